/*
 * Preloaded into linux.uml (and nothing else) so that User-Mode Linux runs on hosts whose
 * CPU has a user XSAVE layout larger than 4096 bytes (AMX: 11008 bytes).
 *
 * Why: UML restores each guest process's FPU/vector state with
 * ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, {buf, 4096}). The host kernel's
 * xstateregs_set() takes only a buffer of exactly its full user XSAVE size and answers
 * anything shorter with EFAULT; UML then kills the process, and init's death panics the
 * guest ("userspace - ptrace set fp regs failed, errno = 14"). PTRACE_GETREGSET with a short
 * buffer is fine: the kernel truncates.
 *
 * What: for a PTRACE_SETREGSET of NT_X86_XSTATE shorter than the kernel's full size, read
 * the tracee's whole state into a large buffer, lay UML's bytes over its start (everything
 * UML knows of: the legacy area, the XSAVE header and the components below 4096 bytes) and
 * set the whole buffer. Components past UML's buffer (AMX tiles) keep the tracee's own
 * state. Where UML's buffer is already as large as the kernel's (most CPUs), every call
 * passes through unchanged.
 *
 * LVS_HARNESS_XSTATE_REPORT, when set, names a file that gets one line the first time the
 * fix has to act, so the harness can say whether it was needed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

typedef long (*ptrace_fn)(int, pid_t, void *, void *);

/* Larger than any XSAVE layout a CPU has today (AMX: 11008 bytes). Static, not on the
 * stack: UML's kernel stacks are a few pages. Not thread-local: a preloaded object with large
 * TLS breaks programs that create threads. UML's kernel runs its tracing on one host thread. */
#define FULL_BUFFER_SIZE (64 * 1024)
static unsigned char full_state[FULL_BUFFER_SIZE] __attribute__((aligned(64)));
static int full_state_busy;
/* The kernel's full size, learnt from the first full read; 0 until then. */
static size_t kernel_size;
static int reported;

static ptrace_fn real_ptrace(void)
{
	static ptrace_fn real;
	if (!real)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	return real;
}

static void report_once(size_t uml_size, size_t full_size)
{
	const char *path;
	char line[128];
	int fd, length;

	if (reported)
		return;
	reported = 1;
	path = getenv("LVS_HARNESS_XSTATE_REPORT");
	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	length = snprintf(line, sizeof line, "xstate-fix: uml=%zu kernel=%zu\n", uml_size, full_size);
	if (length > 0 && write(fd, line, (size_t)length) < 0) {
		/* Nothing to do: the report is informational. */
	}
	close(fd);
}

/* PTRACE_SETREGSET of NT_X86_XSTATE with UML's short buffer, widened to the kernel's size. */
static long set_xstate_widened(ptrace_fn real, pid_t pid, void *addr, struct iovec *uml)
{
	struct iovec whole = { full_state, FULL_BUFFER_SIZE };
	long result;
	int saved_errno;

	if (__atomic_exchange_n(&full_state_busy, 1, __ATOMIC_ACQUIRE))
		return real(PTRACE_SETREGSET, pid, addr, uml);
	result = real(PTRACE_GETREGSET, pid, addr, &whole);
	if (result >= 0)
		kernel_size = whole.iov_len;
	if (result < 0 || whole.iov_len <= uml->iov_len) {
		/* Could not read, or nothing to widen: let the kernel judge UML's own call. */
		__atomic_store_n(&full_state_busy, 0, __ATOMIC_RELEASE);
		return real(PTRACE_SETREGSET, pid, addr, uml);
	}
	report_once(uml->iov_len, whole.iov_len);
	memcpy(full_state, uml->iov_base, uml->iov_len);
	result = real(PTRACE_SETREGSET, pid, addr, &whole);
	saved_errno = errno;
	__atomic_store_n(&full_state_busy, 0, __ATOMIC_RELEASE);
	errno = saved_errno;
	return result;
}

long ptrace(enum __ptrace_request request, ...)
{
	ptrace_fn real = real_ptrace();
	va_list args;
	pid_t pid;
	void *addr, *data;

	va_start(args, request);
	pid = va_arg(args, pid_t);
	addr = va_arg(args, void *);
	data = va_arg(args, void *);
	va_end(args);

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	if (request == PTRACE_SETREGSET && (unsigned long)addr == NT_X86_XSTATE && data) {
		struct iovec *uml = data;
		/* Before the kernel's size is known, or when UML's buffer is short of it. */
		if (kernel_size == 0 || uml->iov_len < kernel_size)
			return set_xstate_widened(real, pid, addr, uml);
	}
	return real((int)request, pid, addr, data);
}
