// Sets sysctls in several network namespaces from one process: for each namespace it enters
// (setns) and writes the values under /proc/sys, which shows the writing process's network
// namespace. The build applies every host's sysctls with it: inside User-Mode Linux each
// process costs 40-100 ms, and `nsenter --net=NS sysctl -w` is two for every host.
//
//   netns-sysctl NETNS_FILE KEY=VALUE... [-- NETNS_FILE KEY=VALUE...]...
//
// KEY is sysctl's name (net.ipv4.conf.eth0.rp_filter; a device's dot written as a slash, as
// sysctl writes net.ipv4.conf.eth0/100.rp_filter). Every value is attempted; a failure is
// named on stderr with the namespace, the key and the reason, and the exit code is then 1.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int set_value(const char *netns, const char *assignment) {
  const char *equals = strchr(assignment, '=');
  if (!equals || equals == assignment) {
    fprintf(stderr, "netns-sysctl: %s: %s is not KEY=VALUE\n", netns, assignment);
    return 1;
  }
  char path[512] = "/proc/sys/";
  size_t at = strlen(path);
  for (const char *key = assignment; key < equals && at < sizeof path - 1; key++) path[at++] = *key == '.' ? '/' : *key == '/' ? '.' : *key;
  path[at] = '\0';
  int fd = open(path, O_WRONLY);
  if (fd < 0) {
    fprintf(stderr, "netns-sysctl: %s: cannot set %.*s: %s (%s)\n", netns, (int)(equals - assignment), assignment, strerror(errno), path);
    return 1;
  }
  const char *value = equals + 1;
  size_t length = strlen(value);
  char line[256];
  int written = snprintf(line, sizeof line, "%s\n", value);
  ssize_t result = written > 0 && (size_t)written < sizeof line ? write(fd, line, (size_t)written) : write(fd, value, length);
  int error = errno;
  close(fd);
  if (result < 0) {
    fprintf(stderr, "netns-sysctl: %s: cannot set %.*s to %s: %s\n", netns, (int)(equals - assignment), assignment, value, strerror(error));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int failed = 0;
  for (int index = 1; index < argc;) {
    const char *netns = argv[index++];
    int fd = open(netns, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
      fprintf(stderr, "netns-sysctl: cannot enter %s: %s\n", netns, strerror(errno));
      return 1;
    }
    close(fd);
    for (; index < argc && strcmp(argv[index], "--") != 0; index++) failed |= set_value(netns, argv[index]);
    if (index < argc) index++;
  }
  return failed;
}
