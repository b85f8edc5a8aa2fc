/*
 * What a process pays for computation, allocation, syscalls and first-touched
 * pages: run it on the host and in the test kernel to see why JS-heavy work
 * is slower in User-Mode Linux than its C lower bound (README, "Large tables").
 *
 *   cc -O2 -o /tmp/page-costs bench/page-costs.c
 *   /tmp/page-costs; node test/harness/run.mjs exec -- /tmp/page-costs
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
  volatile unsigned long x = 0;
  double t = now();
  for (long i = 0; i < 200000000; i++) x += i * 7;
  printf("compute, 200M additions:  %.3f s\n", now() - t);
  t = now();
  for (int i = 0; i < 1000000; i++) {
    char *p = malloc(160);
    memset(p, i, 160);
    x += p[7];
    free(p);
  }
  printf("1M malloc/free:           %.3f s\n", now() - t);
  t = now();
  unsigned char a[16];
  for (int i = 0; i < 1000000; i++) x += inet_pton(2, "10.2.0.1", a);
  printf("1M inet_pton:             %.3f s\n", now() - t);
  t = now();
  struct timespec ts;
  for (int i = 0; i < 10000; i++) x += clock_gettime(CLOCK_REALTIME, &ts);
  printf("10k clock_gettime:        %.3f s\n", now() - t);
  t = now();
  char *big = malloc(64 << 20);
  for (long i = 0; i < (64 << 20); i += 4096) big[i] = 1;
  printf("first touch of 64 MB:     %.3f s\n", now() - t);
  return 0;
}
