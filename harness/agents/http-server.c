// The server a real server runs inside its namespace, in place of the walkthrough's httpd: it
// answers every HTTP request with its body, logs who asked, and says when it is listening so
// the harness can wait for that instead of sleeping. With --udp it answers datagrams on the
// same port too (a UDP virtual service).
//
// In C, not Node.js: inside User-Mode Linux a Node.js start took 0.35-0.5 s of CPU a real
// server, and a guest has one CPU; this starts in milliseconds. One process, one poll loop,
// no threads. Compiled once per source version by harness/agents/http-server-build.ts
// (scripts/setup.sh runs it), statically, so a bundle's copy runs on another machine too.
//
//   http-server [--netns /run/netns/NS] --name NAME [--port 80] [--body TEXT] [--body-size N] [--udp] [--udp-address ADDR]...
//
// Prints "listening on [::]:PORT as NAME" (" (TCP and UDP)" with --udp) once it accepts, one
// line per request ("GET /path with N bytes from A:P to B:Q"), per datagram ("UDP N bytes
// from A:P to ADDR:PORT"), and "answering UDP on ADDR:PORT" once a --udp-address socket is
// bound (the address may come later: a configurator adds the VIP after this starts).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATAGRAM 65507
#define MAX_UDP_ADDRESSES 16
#define MAX_CONNECTIONS 1024
#define MAX_HEAD 16384
// How often a UDP socket for an address not yet on the host tries again.
#define BIND_RETRY_MS 50

static const char *name = "server";
static int port = 80;
static char *body;
static size_t body_length;

struct connection {
  int fd;
  char peer[INET6_ADDRSTRLEN + 8];
  char local[INET6_ADDRSTRLEN + 8];
  char head[MAX_HEAD];
  size_t head_length;
  // While a request's body is being read: how much is left, and how much came.
  long long body_left;
  long long received;
  char request_line[512];
  int close_after;
  // The client sent its FIN: what is owed is written, then the connection closed.
  int peer_done;
  char *out;
  size_t out_length, out_sent;
};

struct udp_socket {
  const char *address;
  int fd;
};

static struct connection *connections[MAX_CONNECTIONS];
static struct udp_socket udp_sockets[MAX_UDP_ADDRESSES + 1];
static int udp_count;
static volatile sig_atomic_t stopping;

static void fail(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vfprintf(stderr, format, arguments);
  va_end(arguments);
  fputc('\n', stderr);
  exit(1);
}

static void on_signal(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

// An address as the Node server printed it: IPv4 plain (not ::ffff:a.b.c.d), IPv6 bare.
static void format_address(const struct sockaddr_storage *address, char *text, size_t size, int *port_out) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (address->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    *port_out = ntohs(v4->sin_port);
  } else {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], host, sizeof host);
    else inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    *port_out = ntohs(v6->sin6_port);
  }
  snprintf(text, size, "%s", host);
}

static void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int listen_tcp(void) {
  // '::' takes IPv4 too (as mapped addresses), so one socket serves an IPv4 and an IPv6 VIP alike.
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) fail("http server %s: socket: %s", name, strerror(errno));
  int off = 0, on = 1;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in6 address = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_any};
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) fail("http server %s: cannot listen on [::]:%d: %s", name, port, strerror(errno));
  if (listen(fd, 511) < 0) fail("http server %s: listen: %s", name, strerror(errno));
  set_nonblocking(fd);
  return fd;
}

// A UDP socket on one address. The wildcard one answers datagrams to the host's own address;
// one bound to the VIP answers those to the VIP, from the VIP (a wildcard socket's answer would
// leave from the host's own address, which the client does not take for the service's). Both
// share the port (SO_REUSEADDR); the kernel hands a datagram to the most specific. Returns -1
// while the address is not on the host yet (EADDRNOTAVAIL).
static int bind_udp(const char *address_text) {
  struct sockaddr_storage address = {0};
  socklen_t length;
  int family;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
  if (strchr(address_text, ':')) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address_text, &v6->sin6_addr) != 1) fail("udp server %s: %s is not an address", name, address_text);
    length = sizeof *v6;
  } else {
    family = AF_INET;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    if (inet_pton(AF_INET, address_text, &v4->sin_addr) != 1) fail("udp server %s: %s is not an address", name, address_text);
    length = sizeof *v4;
  }
  int fd = socket(family, SOCK_DGRAM, 0);
  if (fd < 0) fail("udp server %s: socket: %s", name, strerror(errno));
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  if (bind(fd, (struct sockaddr *)&address, length) < 0) {
    int error = errno;
    close(fd);
    if (error == EADDRNOTAVAIL) return -1;
    fail("udp server %s on %s:%d: %s", name, address_text, port, strerror(error));
  }
  set_nonblocking(fd);
  return fd;
}

static void answer_datagram(struct udp_socket *udp) {
  static char message[65536];
  static char answer[MAX_DATAGRAM];
  for (;;) {
    struct sockaddr_storage from;
    socklen_t from_length = sizeof from;
    ssize_t got = recvfrom(udp->fd, message, sizeof message, 0, (struct sockaddr *)&from, &from_length);
    if (got < 0) return;
    char peer[INET6_ADDRSTRLEN];
    int peer_port;
    format_address(&from, peer, sizeof peer, &peer_port);
    printf("UDP %zd bytes from %s:%d to %s:%d\n", got, peer, peer_port, udp->address, port);
    // The first line names the server (as the HTTP answer's x-served-by header does), then the body.
    int length = snprintf(answer, sizeof answer, "%s\n", name);
    size_t room = sizeof answer - (size_t)length;
    size_t copied = body_length < room ? body_length : room;
    memcpy(answer + length, body, copied);
    if (sendto(udp->fd, answer, (size_t)length + copied, 0, (struct sockaddr *)&from, from_length) < 0)
      fprintf(stderr, "udp server %s on %s:%d: %s\n", name, udp->address, port, strerror(errno));
  }
}

static void close_connection(int index) {
  struct connection *connection = connections[index];
  close(connection->fd);
  free(connection->out);
  free(connection);
  connections[index] = NULL;
}

// Appends to what the connection has still to write.
static void queue(struct connection *connection, const char *data, size_t length) {
  size_t pending = connection->out_length - connection->out_sent;
  char *out = malloc(pending + length);
  if (!out) fail("http server %s: out of memory", name);
  memcpy(out, connection->out + connection->out_sent, pending);
  memcpy(out + pending, data, length);
  free(connection->out);
  connection->out = out;
  connection->out_length = pending + length;
  connection->out_sent = 0;
}

static void respond(struct connection *connection) {
  printf("%s from %s to %s\n", connection->request_line, connection->peer, connection->local);
  char head[512];
  int length = snprintf(head, sizeof head,
                        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-served-by: %s\r\nx-received-bytes: %lld\r\ncontent-length: %zu\r\nconnection: %s\r\n\r\n",
                        name, connection->received, body_length, connection->close_after ? "close" : "keep-alive");
  queue(connection, head, (size_t)length);
  // A HEAD is answered with the headers alone.
  if (strncmp(connection->request_line, "HEAD ", 5) != 0) queue(connection, body, body_length);
}

// The request line and headers at the front of the head buffer, once complete: the method and
// path kept for the log line, the body's length, whether the client asks to close.
static int take_request_head(struct connection *connection) {
  char *end = memmem(connection->head, connection->head_length, "\r\n\r\n", 4);
  if (!end) {
    if (connection->head_length == sizeof connection->head) return -1;
    return 0;
  }
  *end = '\0';
  char *line_end = strstr(connection->head, "\r\n");
  if (line_end) *line_end = '\0';
  char method[32] = "", path[400] = "";
  sscanf(connection->head, "%31s %399s", method, path);
  snprintf(connection->request_line, sizeof connection->request_line, "%s %s", method, path);
  long long content_length = 0;
  int expect_continue = 0;
  int http10 = strstr(connection->head, "HTTP/1.0") != NULL;
  connection->close_after = http10;
  if (line_end) {
    for (char *header = line_end + 2; header && *header;) {
      char *next = strstr(header, "\r\n");
      if (next) *next = '\0';
      if (strncasecmp(header, "content-length:", 15) == 0) content_length = atoll(header + 15);
      // curl asks before an upload of over a kilobyte, and waits a second for the answer.
      if (strncasecmp(header, "expect:", 7) == 0 && strcasestr(header + 7, "100-continue")) expect_continue = 1;
      if (strncasecmp(header, "connection:", 11) == 0) {
        if (strcasestr(header + 11, "close")) connection->close_after = 1;
        if (strcasestr(header + 11, "keep-alive")) connection->close_after = 0;
      }
      header = next ? next + 2 : NULL;
    }
  }
  size_t consumed = (size_t)(end - connection->head) + 4;
  size_t rest = connection->head_length - consumed;
  memmove(connection->head, connection->head + consumed, rest);
  connection->head_length = rest;
  connection->body_left = content_length;
  connection->received = 0;
  if (expect_continue && content_length > 0) queue(connection, "HTTP/1.1 100 Continue\r\n\r\n", 25);
  return 1;
}

// Reads what has arrived; answers each complete request. Returns 0 when the connection failed.
static int read_connection(struct connection *connection) {
  for (;;) {
    char buffer[65536];
    ssize_t got = read(connection->fd, buffer, sizeof buffer);
    if (got == 0) {
      connection->peer_done = 1;
      return 1;
    }
    if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : 0;
    size_t at = 0;
    while (at < (size_t)got) {
      if (connection->body_left > 0) {
        size_t take = (size_t)got - at;
        if ((long long)take > connection->body_left) take = (size_t)connection->body_left;
        connection->body_left -= (long long)take;
        connection->received += (long long)take;
        at += take;
        if (connection->body_left == 0) {
          size_t request_length = strlen(connection->request_line);
          if (connection->received > 0)
            snprintf(connection->request_line + request_length, sizeof connection->request_line - request_length, " with %lld bytes", connection->received);
          respond(connection);
        }
        continue;
      }
      size_t take = (size_t)got - at;
      size_t room = sizeof connection->head - connection->head_length;
      if (take > room) take = room;
      memcpy(connection->head + connection->head_length, buffer + at, take);
      connection->head_length += take;
      at += take;
      for (;;) {
        int taken = take_request_head(connection);
        if (taken < 0) return 0;
        if (taken == 0) break;
        if (connection->body_left > 0) {
          // The body's first bytes may already be in the head buffer.
          size_t inside = connection->head_length;
          if ((long long)inside > connection->body_left) inside = (size_t)connection->body_left;
          connection->body_left -= (long long)inside;
          connection->received += (long long)inside;
          memmove(connection->head, connection->head + inside, connection->head_length - inside);
          connection->head_length -= inside;
          if (connection->body_left > 0) break;
          size_t request_length = strlen(connection->request_line);
          snprintf(connection->request_line + request_length, sizeof connection->request_line - request_length, " with %lld bytes", connection->received);
        }
        respond(connection);
      }
    }
  }
}

// Writes what is pending; returns 0 when the connection is to be closed.
static int write_connection(struct connection *connection) {
  while (connection->out_sent < connection->out_length) {
    ssize_t sent = write(connection->fd, connection->out + connection->out_sent, connection->out_length - connection->out_sent);
    if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : 0;
    connection->out_sent += (size_t)sent;
  }
  // Answered and asked to close: the server closes first, as the client expects.
  if (connection->close_after && connection->body_left == 0 && connection->head_length == 0 && connection->request_line[0]) return 0;
  return !connection->peer_done;
}

static void accept_connections(int listener) {
  for (;;) {
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    int fd = accept4(listener, (struct sockaddr *)&peer, &peer_length, SOCK_NONBLOCK);
    if (fd < 0) return;
    int slot = -1;
    for (int index = 0; index < MAX_CONNECTIONS; index++)
      if (!connections[index]) {
        slot = index;
        break;
      }
    if (slot < 0) {
      close(fd);
      continue;
    }
    struct connection *connection = calloc(1, sizeof *connection);
    if (!connection) fail("http server %s: out of memory", name);
    connection->fd = fd;
    struct sockaddr_storage local;
    socklen_t local_length = sizeof local;
    getsockname(fd, (struct sockaddr *)&local, &local_length);
    char host[INET6_ADDRSTRLEN];
    int host_port;
    format_address(&peer, host, sizeof host, &host_port);
    snprintf(connection->peer, sizeof connection->peer, "%s:%d", host, host_port);
    format_address(&local, host, sizeof host, &host_port);
    snprintf(connection->local, sizeof connection->local, "%s:%d", host, host_port);
    connections[slot] = connection;
  }
}

static long long now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  const char *body_text = NULL;
  long body_size = -1;
  int udp = 0;
  const char *udp_addresses[MAX_UDP_ADDRESSES];
  int udp_address_count = 0;
  for (int index = 1; index < argc; index++) {
    const char *option = argv[index];
    const char *value = index + 1 < argc ? argv[index + 1] : NULL;
    if (strcmp(option, "--udp") == 0) {
      udp = 1;
      continue;
    }
    if (!value) fail("http server: %s needs a value", option);
    index++;
    if (strcmp(option, "--netns") == 0) {
      // Entered before any socket is made: every socket is the namespace's.
      int fd = open(value, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) fail("http server: cannot enter the network namespace %s: %s", value, strerror(errno));
      close(fd);
    } else if (strcmp(option, "--name") == 0) name = value;
    else if (strcmp(option, "--port") == 0) port = atoi(value);
    else if (strcmp(option, "--body") == 0) body_text = value;
    else if (strcmp(option, "--body-size") == 0) body_size = atol(value);
    else if (strcmp(option, "--udp-address") == 0) {
      if (udp_address_count == MAX_UDP_ADDRESSES) fail("http server: at most %d --udp-address", MAX_UDP_ADDRESSES);
      udp_addresses[udp_address_count++] = value;
    } else fail("http server: unknown option %s", option);
  }
  if (port <= 0 || port > 65535) fail("http server: --port must be 1-65535");
  char fallback[256];
  if (!body_text) {
    snprintf(fallback, sizeof fallback, "this is %s\n", name);
    body_text = fallback;
  }
  // --body-size pads the body to a fixed size (for tunnel MTU cases) while keeping the name first.
  size_t text_length = strlen(body_text);
  body_length = body_size > (long)text_length ? (size_t)body_size : text_length;
  body = malloc(body_length + 1);
  if (!body) fail("http server %s: out of memory", name);
  memcpy(body, body_text, text_length);
  if (body_length > text_length) {
    memset(body + text_length, '.', body_length - text_length - 1);
    body[body_length - 1] = '\n';
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction stop = {.sa_handler = on_signal};
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGINT, &stop, NULL);

  if (udp) {
    int fd = bind_udp("::");
    if (fd < 0) fail("udp server %s on [::]:%d: no wildcard address", name, port);
    udp_sockets[udp_count++] = (struct udp_socket){.address = "::", .fd = fd};
  }
  int listener = listen_tcp();
  printf("listening on [::]:%d%s as %s\n", port, udp ? " (TCP and UDP)" : "", name);
  // The addresses still to bind, retried every BIND_RETRY_MS until the host holds them.
  int waiting[MAX_UDP_ADDRESSES];
  for (int index = 0; index < udp_address_count; index++) waiting[index] = 1;
  int still_waiting = udp_address_count;
  long long next_try = 0;

  struct pollfd polled[1 + MAX_UDP_ADDRESSES + 1 + MAX_CONNECTIONS];
  int owner[1 + MAX_UDP_ADDRESSES + 1 + MAX_CONNECTIONS];
  while (!stopping) {
    if (still_waiting > 0 && now_ms() >= next_try) {
      for (int index = 0; index < udp_address_count; index++) {
        if (!waiting[index]) continue;
        int fd = bind_udp(udp_addresses[index]);
        if (fd < 0) continue;
        waiting[index] = 0;
        still_waiting--;
        udp_sockets[udp_count++] = (struct udp_socket){.address = udp_addresses[index], .fd = fd};
        printf("answering UDP on %s:%d\n", udp_addresses[index], port);
      }
      next_try = now_ms() + BIND_RETRY_MS;
    }
    int count = 0;
    polled[count] = (struct pollfd){.fd = listener, .events = POLLIN};
    owner[count++] = -1;
    for (int index = 0; index < udp_count; index++) {
      polled[count] = (struct pollfd){.fd = udp_sockets[index].fd, .events = POLLIN};
      owner[count++] = -2 - index;
    }
    for (int index = 0; index < MAX_CONNECTIONS; index++) {
      struct connection *connection = connections[index];
      if (!connection) continue;
      short events = connection->peer_done ? 0 : POLLIN;
      if (connection->out_sent < connection->out_length) events |= POLLOUT;
      polled[count] = (struct pollfd){.fd = connection->fd, .events = events};
      owner[count++] = index;
    }
    int ready = poll(polled, (nfds_t)count, still_waiting > 0 ? BIND_RETRY_MS : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("http server %s: poll: %s", name, strerror(errno));
    }
    for (int slot = 0; slot < count; slot++) {
      if (!polled[slot].revents) continue;
      if (owner[slot] == -1) accept_connections(listener);
      else if (owner[slot] <= -2) answer_datagram(&udp_sockets[-2 - owner[slot]]);
      else {
        struct connection *connection = connections[owner[slot]];
        int open = 1;
        if (polled[slot].revents & POLLERR) open = 0;
        else if (polled[slot].revents & (POLLIN | POLLHUP) && !connection->peer_done) open = read_connection(connection);
        if (open) open = write_connection(connection);
        if (!open) close_connection(owner[slot]);
      }
    }
  }
  return 0;
}
