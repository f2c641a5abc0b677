/*
 * tap_echo: the floor of a user-space network stack on this machine, for FirstMinute.
 *
 * The least a user-space stack can do to answer a ping over TAP: one thread blocked in
 * epoll_wait(2) on the device, woken by the kernel for each frame, answering ARP requests
 * (RFC 826) and ICMP echo requests (RFC 792) for one IPv4 address by editing the frame in
 * place, with one read(2) and one write(2) per frame. No stack, no allocation, no JIT: what
 * is left is the cost of the device and of the wake-ups, which the kernel's own answer over
 * veth does not pay. It takes the arguments FirstMinute gives `lwip4j run`:
 *
 *   tap_echo run --tap NAME --ip4 A.B.C.D/24 --netns NS
 *
 * creates the TAP device NAME in network namespace NS, gives the host side the subnet's
 * first address (as lwip4j run does), and answers for A.B.C.D until SIGTERM. Linux only,
 * root. Build: gcc -O2 -o tap_echo tap_echo.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
    (void) sig;
    stop = 1;
}

/* RFC 1624 incremental update of a ones' complement checksum: field old -> new. */
static uint16_t csum_update(uint16_t sum, uint16_t old, uint16_t new) {
    uint32_t s = (uint16_t) ~ntohs(sum) + (uint16_t) ~old + new;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t) ~s);
}

int main(int argc, char **argv) {
    const char *tap = NULL, *ip = NULL, *ns = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tap") && i + 1 < argc) tap = argv[++i];
        else if (!strcmp(argv[i], "--ip4") && i + 1 < argc) ip = argv[++i];
        else if (!strcmp(argv[i], "--netns") && i + 1 < argc) ns = argv[++i];
    }
    if (!tap || !ip || !ns) {
        fprintf(stderr, "usage: tap_echo run --tap NAME --ip4 A.B.C.D/24 --netns NS\n");
        return 2;
    }
    char addr[32];
    snprintf(addr, sizeof addr, "%s", ip);
    char *slash = strchr(addr, '/');
    if (slash) *slash = 0;
    struct in_addr self;
    if (inet_pton(AF_INET, addr, &self) != 1) {
        fprintf(stderr, "tap_echo: bad address %s\n", addr);
        return 2;
    }
    char path[256];
    snprintf(path, sizeof path, "/var/run/netns/%s", ns);
    int nsfd = open(path, O_RDONLY);
    if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
        perror("tap_echo: setns");
        return 1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        perror("tap_echo: /dev/net/tun");
        return 1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", tap);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("tap_echo: TUNSETIFF");
        return 1;
    }
    uint32_t host = ntohl(self.s_addr) & 0xffffff00u;
    host |= 1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ip addr add %u.%u.%u.%u/24 dev %s && ip link set %s up", host >> 24, host >> 16 & 255,
            host >> 8 & 255, host & 255, tap, tap);
    if (system(cmd) != 0) {
        fprintf(stderr, "tap_echo: %s failed\n", cmd);
        return 1;
    }
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    const uint8_t mac[6] = {0x02, 0x00, 0x00, 0xec, 0x40, 0x01};
    printf("tap_echo: answering %s on %s\nStop with Ctrl-C (SIGINT) or SIGTERM.\n", addr, tap);
    fflush(stdout);
    uint8_t f[2048];
    while (!stop) {
        struct epoll_event got;
        if (epoll_wait(ep, &got, 1, -1) < 0) {
            if (errno == EINTR) continue;
            perror("tap_echo: epoll_wait");
            return 1;
        }
        for (;;) {
            ssize_t n = read(fd, f, sizeof f);
            if (n < 0) break;
            uint16_t type = (uint16_t) (f[12] << 8 | f[13]);
            if (type == 0x0806 && n >= 42 && f[21] == 1 && !memcmp(f + 38, &self.s_addr, 4)) {
                /* ARP request for us: reply in place. */
                memcpy(f, f + 6, 6);
                memcpy(f + 6, mac, 6);
                f[21] = 2;
                uint8_t spa[4];
                memcpy(spa, f + 28, 4);
                memcpy(f + 32, f + 22, 6);
                memcpy(f + 38, spa, 4);
                memcpy(f + 22, mac, 6);
                memcpy(f + 28, &self.s_addr, 4);
                write(fd, f, (size_t) n);
            } else if (type == 0x0800 && n >= 34 && f[23] == 1 && !memcmp(f + 30, &self.s_addr, 4)) {
                int ihl = (f[14] & 15) * 4;
                uint8_t *icmp = f + 14 + ihl;
                if (14 + ihl + 8 > n || icmp[0] != 8) continue;
                /* Echo reply in place: swap MACs and addresses, type 8 -> 0. */
                memcpy(f, f + 6, 6);
                memcpy(f + 6, mac, 6);
                uint8_t t[4];
                memcpy(t, f + 26, 4);
                memcpy(f + 26, f + 30, 4);
                memcpy(f + 30, t, 4);
                icmp[0] = 0;
                uint16_t sum;
                memcpy(&sum, icmp + 2, 2);
                sum = csum_update(sum, 0x0800, 0x0000);
                memcpy(icmp + 2, &sum, 2);
                write(fd, f, (size_t) n);
            }
        }
    }
    return 0;
}
