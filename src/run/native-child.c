/*
 * native-child.c: the timing child of a native build (docs/native.md, "The
 * timing child"). Not generated: every native build links this unit as is,
 * beside handlers.c, dispatch.c and harness.c (src/emit/native/compile.ts);
 * harness.c's main calls dl_child() when argv[1] is "child", and
 * dl_counts() when it is "counts".
 *
 * It speaks the lab's child protocol (src/run/protocol.ts) exactly as the
 * wasm child (src/run/child.ts) does, and mirrors its logic and its limits:
 * one JSON object a line on stdin (`init`, `sample`, as JSON.stringify writes
 * them), one a line on stdout after the marker (`loaded`, `ready`, `sample`,
 * `error`). A process may host several cells, each with its own stream and
 * base, kept by the raw (escaped) JSON text of its `cell` string.
 *
 * init: decode the stream (base64 of little-endian int32s) into an aligned
 * array, send `loaded`; refuse a cell whose one pass outlasts maxSampleMs
 * (only when `reps` is absent), calibrate twice (the first pass warms caches
 * and predictors) or take `reps`, warm up until the last 3 samples lie within
 * 2% of their median or maxWarmupMs, take the checksum, reply `ready`.
 * sample: an untimed pass of max(1, ceil(reps x PREPASS_MS / targetSampleMs))
 * reps (protocol.ts prepassReps: other cells ran on this CPU since), then one
 * timed call of `run`, which lives in harness.c (no
 * LTO: nothing is inlined into the timed loop). Times are CLOCK_MONOTONIC.
 *
 * counts (src/run/counter.ts, under valgrind's callgrind): `binary counts
 * FILE:BASE ...` reads every raw stream file (little-endian int32s), calls
 * getppid (a mark: callgrind dumps), then per stream makes three calls
 * run(stream, count, REPS, BASE) with REPS 1, 1, 2, each followed by a mark
 * (counts-plan.ts), prints each sum as a signed decimal, one a line, and
 * exits 0 (2 on a bad argument or file, with the reason on stderr).
 *
 * Orphan guard (src/run/launcher.ts): under DISPATCH_LAB_GUARD=<guard>:<pid>
 * the child exits at once when its parent is not the runner; `pdeathsig`:
 * setpriv already set the parent-death signal; `watchdog`: on Linux the child
 * sets it itself (prctl), elsewhere a thread polls getppid every 200 ms.
 *
 * Portable C11 + POSIX (Linux, macOS); warning-free under -Wall -Wextra.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#else
#include <pthread.h>
#endif

/* harness.c */
uint64_t run(const int32_t *stream, size_t count, uint64_t reps, uint32_t base);

int dl_child(void);
int dl_counts(int argc, char **argv);

/* What starts each protocol line on stdout (protocol.ts MARK). */
#define MARK "\001dispatch-lab "
/* launcher.ts GUARD_ENV and WATCHDOG_MS. */
#define GUARD_ENV "DISPATCH_LAB_GUARD"
#define WATCHDOG_MS 200
/* child.ts: a probe call lasting this long gives a usable estimate. */
#define PROBE_NS 1e6
/* child.ts calibrate: reps stop doubling here. */
#define MAX_PROBE_REPS (UINT64_C(1) << 24)
/* 2^53: the largest integer a JSON number (a JS number) holds exactly. */
#define EXACT_LIMIT 9007199254740992.0

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF(f, a)
#endif

/* Results of untimed calls: stored, so that no call is dropped. */
static volatile uint64_t sink;

/* ---------------------------------------------------------------- output */

/* A growing byte buffer; `failed` once an allocation failed (the message is then replaced by an error). */
typedef struct {
  char *data;
  size_t len, cap;
  int failed;
} buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (b->len + n + 1 > cap) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
      b->failed = 1;
      return;
    }
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void put_str(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_fmt(buf *b, const char *fmt, ...) PRINTF(2, 3);
static void put_fmt(buf *b, const char *fmt, ...) {
  char small[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    put(b, small, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) {
    b->failed = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  put(b, big, (size_t)n);
  free(big);
}

/* `s` as the contents of a JSON string, escaped as JSON.stringify escapes it. */
static void put_escaped(buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': put(b, "\\\"", 2); break;
      case '\\': put(b, "\\\\", 2); break;
      case '\b': put(b, "\\b", 2); break;
      case '\f': put(b, "\\f", 2); break;
      case '\n': put(b, "\\n", 2); break;
      case '\r': put(b, "\\r", 2); break;
      case '\t': put(b, "\\t", 2); break;
      default:
        if (c < 0x20) put_fmt(b, "\\u%04x", c);
        else put(b, &s[i], 1);
    }
  }
}

static int is_finite(double x) { return x - x == 0.0; }

/* A JSON number as JSON.stringify writes one: integers in full, others in the fewest digits that read back the same; null when not finite. */
static void put_number(buf *b, double x) {
  if (!is_finite(x)) {
    put_str(b, "null");
    return;
  }
  if (x == 0.0) {
    put_str(b, "0");
    return;
  }
  if (x == (double)(int64_t)x && x < EXACT_LIMIT && x > -EXACT_LIMIT) {
    put_fmt(b, "%" PRId64, (int64_t)x);
    return;
  }
  char text[40];
  for (int digits = 1; digits <= 17; digits++) {
    snprintf(text, sizeof text, "%.*g", digits, x);
    if (strtod(text, NULL) == x) break;
  }
  put_str(b, text);
}

/* One message: the marker, the JSON, a newline; flushed at once. */
static void send_text(const char *json, size_t len) {
  fputs(MARK, stdout);
  fwrite(json, 1, len, stdout);
  fputc('\n', stdout);
  fflush(stdout);
}

static void send(const buf *b) { send_text(b->data, b->len); }

/* An error reply; `message` is already escaped JSON string content. */
static void send_error(const char *phase, const buf *message) {
  buf b = {0};
  put_str(&b, "{\"type\":\"error\",\"phase\":\"");
  put_str(&b, phase);
  put_str(&b, "\",\"message\":\"");
  if (message->failed) put_str(&b, "Error: out of memory");
  else put(&b, message->data ? message->data : "", message->len);
  put_str(&b, "\"}");
  if (b.failed) {
    fprintf(stdout, "%s{\"type\":\"error\",\"phase\":\"%s\",\"message\":\"Error: out of memory\"}\n", MARK, phase);
    fflush(stdout);
  } else {
    send(&b);
  }
  free(b.data);
}

/* A reason, escaped into `err`: `Error: ...` as child.ts words any error but a refusal. Returns -1. */
static int fail(buf *err, const char *fmt, ...) PRINTF(2, 3);
static int fail(buf *err, const char *fmt, ...) {
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  put_str(err, "Error: ");
  put_escaped(err, text, strlen(text));
  return -1;
}

/* ---------------------------------------------------------------- input */

/* A value of the request's top level: `text`/`len` a string's raw (escaped) contents, or a number's text. */
typedef struct {
  const char *text;
  size_t len;
  char kind; /* 0 absent, 's' string, 'n' number, 'o' anything else */
} value;

typedef struct {
  value type, cell, stream, targetSampleMs, maxWarmupMs, maxSampleMs, reps, base, round;
} request;

static size_t skip_ws(const char *s, size_t i, size_t n) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

/* s[i] is a quote: the index past the closing quote, or 0 (not a string). */
static size_t scan_string(const char *s, size_t i, size_t n) {
  for (i++; i < n; i++) {
    if (s[i] == '\\') {
      i++;
      continue;
    }
    if (s[i] == '"') return i + 1;
    if ((unsigned char)s[i] < 0x20) return 0;
  }
  return 0;
}

/* The index past the value at s[i], or 0 (malformed). Objects and arrays are skipped (a flat request has none at its top level). */
static size_t scan_value(const char *s, size_t i, size_t n) {
  if (i >= n) return 0;
  if (s[i] == '"') return scan_string(s, i, n);
  if (s[i] == '{' || s[i] == '[') {
    size_t depth = 0;
    while (i < n) {
      char c = s[i];
      if (c == '"') {
        i = scan_string(s, i, n);
        if (!i) return 0;
        continue;
      }
      if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      i++;
    }
    return 0;
  }
  size_t start = i;
  while (i < n && strchr("+-.0123456789eEabcdefghijklmnopqrstuvwxyz", s[i]) && s[i] != '\0') i++;
  return i > start ? i : 0;
}

static int key_is(const char *key, size_t len, const char *name) { return strlen(name) == len && memcmp(key, name, len) == 0; }

/* The top-level keys of a flat JSON object; 0, or -1 with the reason in `err`. */
static int parse_request(const char *s, size_t n, request *r, buf *err) {
  memset(r, 0, sizeof *r);
  size_t i = skip_ws(s, 0, n);
  if (i >= n || s[i] != '{') goto malformed;
  i = skip_ws(s, i + 1, n);
  if (i < n && s[i] == '}') return skip_ws(s, i + 1, n) == n ? 0 : fail(err, "malformed request: text after the object");
  for (;;) {
    if (i >= n || s[i] != '"') goto malformed;
    size_t key_end = scan_string(s, i, n);
    if (!key_end) goto malformed;
    const char *key = s + i + 1;
    size_t key_len = key_end - i - 2;
    i = skip_ws(s, key_end, n);
    if (i >= n || s[i] != ':') goto malformed;
    i = skip_ws(s, i + 1, n);
    size_t end = scan_value(s, i, n);
    if (!end) goto malformed;
    value v = {s + i, end - i, 'o'};
    if (s[i] == '"') v = (value){s + i + 1, end - i - 2, 's'};
    else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) v.kind = 'n';
    value *slot = key_is(key, key_len, "type")             ? &r->type
                  : key_is(key, key_len, "cell")           ? &r->cell
                  : key_is(key, key_len, "stream")         ? &r->stream
                  : key_is(key, key_len, "targetSampleMs") ? &r->targetSampleMs
                  : key_is(key, key_len, "maxWarmupMs")    ? &r->maxWarmupMs
                  : key_is(key, key_len, "maxSampleMs")    ? &r->maxSampleMs
                  : key_is(key, key_len, "reps")           ? &r->reps
                  : key_is(key, key_len, "base")           ? &r->base
                  : key_is(key, key_len, "round")          ? &r->round
                                                           : NULL;
    if (slot) *slot = v;
    i = skip_ws(s, end, n);
    if (i < n && s[i] == ',') {
      i = skip_ws(s, i + 1, n);
      continue;
    }
    if (i < n && s[i] == '}') break;
    goto malformed;
  }
  if (skip_ws(s, i + 1, n) != n) goto malformed;
  return 0;
malformed:
  return fail(err, "malformed request at byte %zu of %zu: not a flat JSON object", i, n);
}

static int string_is(const value *v, const char *text) { return v->kind == 's' && key_is(v->text, v->len, text); }

/* A number field: 0 and *out, or -1 with the reason (absent, not a number, not finite). */
static int number(const value *v, const char *name, double *out, buf *err) {
  if (v->kind == 0) return fail(err, "malformed request: no \"%s\"", name);
  char *end = NULL;
  double x = v->kind == 'n' ? strtod(v->text, &end) : 0;
  if (v->kind != 'n' || end != v->text + v->len || !is_finite(x)) return fail(err, "malformed request: \"%s\" is not a number", name);
  *out = x;
  return 0;
}

/* An integer field in [min, max]. */
static int integer(const value *v, const char *name, double min, double max, double *out, buf *err) {
  if (number(v, name, out, err)) return -1;
  if (*out != (double)(int64_t)*out || *out < min || *out > max)
    return fail(err, "malformed request: \"%s\" is not an integer from %.0f to %.0f", name, min, max);
  return 0;
}

static int8_t base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return (int8_t)(c - 'A');
  if (c >= 'a' && c <= 'z') return (int8_t)(c - 'a' + 26);
  if (c >= '0' && c <= '9') return (int8_t)(c - '0' + 52);
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

/* The stream's base64 as int32s (little-endian, as a JS Int32Array's bytes) in a 64-byte aligned array; NULL with the reason. */
static int32_t *decode_stream(const value *v, size_t *count, buf *err) {
  if (v->kind != 's') {
    fail(err, "malformed request: \"stream\" is not a string");
    return NULL;
  }
  size_t len = v->len;
  while (len > 0 && v->text[len - 1] == '=') len--;
  if (len % 4 == 1) {
    fail(err, "malformed request: \"stream\" is not base64");
    return NULL;
  }
  size_t bytes = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
  if (bytes % 4) {
    fail(err, "the stream's %zu bytes are not a whole number of 32-bit numbers", bytes);
    return NULL;
  }
  if (bytes == 0) {
    fail(err, "the stream is empty: there is nothing to time");
    return NULL;
  }
  void *memory = NULL;
  if (posix_memalign(&memory, 64, bytes)) {
    fail(err, "out of memory for a stream of %zu numbers", bytes / 4);
    return NULL;
  }
  unsigned char *out = memory;
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int8_t d = base64_value((unsigned char)v->text[i]);
    if (d < 0) {
      free(memory);
      fail(err, "malformed request: \"stream\" is not base64 (byte %zu)", i);
      return NULL;
    }
    acc = (acc << 6) | (uint32_t)(uint8_t)d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
    }
  }
  int32_t *stream = memory;
  *count = bytes / 4;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (size_t k = 0; k < *count; k++) stream[k] = (int32_t)__builtin_bswap32((uint32_t)stream[k]);
#endif
  return stream;
}

/* ---------------------------------------------------------------- timing (child.ts) */

typedef struct {
  char *key; /* the cell's raw JSON string contents */
  size_t key_len;
  int32_t *stream;
  size_t count;
  uint32_t base;
  uint64_t reps;
  uint64_t prepass; /* reps of the untimed pass before each timed call */
} cell;

/* protocol.ts PREPASS_MS: the untimed re-warm before each timed call, in ms. */
#define PREPASS_MS 1.0

static cell *cells;
static size_t ncells, cells_cap;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * UINT64_C(1000000000) + (uint64_t)t.tv_nsec;
}

static double now_ms(void) { return (double)now_ns() / 1e6; }

/* One timed call of run over the first `count` numbers: its ns, and its sum in *result. */
static double time_run(const cell *c, uint64_t reps, size_t count, uint64_t *result) {
  uint64_t t0 = now_ns();
  uint64_t r = run(c->stream, count, reps, c->base);
  uint64_t t1 = now_ns();
  if (result) *result = r;
  sink = r;
  return (double)(t1 - t0);
}

static double min3(double a, double b, double c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* Math.ceil for the non-negative values here. */
static double ceil_pos(double x) {
  if (!(x < 9.2e18)) return x;
  double t = (double)(uint64_t)x;
  return t < x ? t + 1 : t;
}

/* child.ts passNs: ns of one pass, estimated from growing prefixes until one call lasts PROBE_NS; the fastest of three. */
static double pass_ns(const cell *c) {
  sink = run(c->stream, 1, 1, c->base);
  for (size_t count = 1;; count = c->count < count * 4 ? c->count : count * 4) {
    double ns = time_run(c, 1, count, NULL);
    if (ns >= PROBE_NS || count == c->count) return min3(ns, time_run(c, 1, count, NULL), time_run(c, 1, count, NULL)) * (double)c->count / (double)count;
  }
}

/* Number.prototype.toFixed(1) for a non-negative x: the nearest tenth, the larger one on an exact tie (printf would round to even). */
static void fixed1(char *out, size_t size, double x) {
  double quarters = x * 4; /* exact */
  if (quarters < 9e15 && quarters == (double)(int64_t)quarters && ((int64_t)quarters & 1)) {
    int64_t tenths = ((int64_t)quarters * 10 + 2) / 4; /* x = k/4, k odd: 10x ends in .5 */
    snprintf(out, size, "%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
  } else {
    snprintf(out, size, "%.1f", x);
  }
}

/* child.ts seconds(). */
static void seconds(char *out, size_t size, double ns) {
  char num[48];
  if (ns >= 1e9) fixed1(num, sizeof num, ns / 1e9);
  else fixed1(num, sizeof num, ns / 1e6);
  snprintf(out, size, "%s %s", num, ns >= 1e9 ? "s" : "ms");
}

/* child.ts refuseHeavy: -1 with the reason (a refusal: no error name) when one pass outlasts a sample's share of the budget. */
static int refuse_heavy(const cell *c, double max_sample_ms, buf *err) {
  double pass = pass_ns(c);
  if (pass <= max_sample_ms * 1e6) return 0;
  char whole[64], each[64], allowed[64], text[512];
  seconds(whole, sizeof whole, pass);
  seconds(each, sizeof each, pass / (double)c->count);
  seconds(allowed, sizeof allowed, max_sample_ms * 1e6);
  snprintf(text, sizeof text,
           "one pass over its %zu-number stream takes about %s (%s per dispatch); "
           "this time budget allows %s per sample: use lighter bodies or a larger --time-budget",
           c->count, whole, each, allowed);
  put_escaped(err, text, strlen(text));
  return -1;
}

/* child.ts calibrate: double reps until a call lasts a quarter of the target, then scale to the target. */
static uint64_t calibrate(const cell *c, double target_ns) {
  for (uint64_t reps = 1;; reps *= 2) {
    double ns = time_run(c, reps, c->count, NULL);
    if (ns >= target_ns / 4 || reps >= MAX_PROBE_REPS) {
      double scaled = ceil_pos((double)reps * target_ns / (ns > 1 ? ns : 1));
      return scaled > 1 ? (uint64_t)scaled : 1;
    }
  }
}

typedef struct {
  unsigned samples;
  double ms, last;
} warm;

static void sort3(double *v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
}

/* child.ts warmUp: until the last 3 samples lie within 2% of their median, or maxWarmupMs. */
static warm warm_up(const cell *c, double max_ms) {
  double start = now_ms(), recent[3];
  int n = 0;
  unsigned samples = 0;
  for (;;) {
    double ns = time_run(c, c->reps, c->count, NULL);
    samples++;
    if (n == 3) {
      recent[0] = recent[1];
      recent[1] = recent[2];
      n = 2;
    }
    recent[n++] = ns;
    double sorted[3];
    memcpy(sorted, recent, sizeof sorted[0] * (size_t)n);
    sort3(sorted, n);
    double med = n > 1 ? sorted[1] : sorted[0];
    int stable = n == 3 && sorted[2] - sorted[0] <= 0.02 * med;
    double elapsed = now_ms() - start;
    if (stable || elapsed > max_ms) return (warm){samples, now_ms() - start, med};
  }
}

/* The peak resident set, MB (Node's resourceUsage().maxRSS / 1024: ru_maxrss is KiB on Linux, bytes on macOS). */
static double max_rss_mb(void) {
  struct rusage u;
  if (getrusage(RUSAGE_SELF, &u)) return 0;
#ifdef __APPLE__
  return (double)u.ru_maxrss / 1048576.0;
#else
  return (double)u.ru_maxrss / 1024.0;
#endif
}

static cell *find_cell(const char *key, size_t len) {
  for (size_t i = 0; i < ncells; i++)
    if (cells[i].key_len == len && memcmp(cells[i].key, key, len) == 0) return &cells[i];
  return NULL;
}

static void free_cell(cell *c) {
  free(c->key);
  free(c->stream);
}

static const char *guard;

/* child.ts init: 0 with `ready` in `out`, or -1 with the reason in `err`. `loaded` is sent on the way. */
static int init_cell(const request *r, buf *out, buf *err) {
  double target_ms, max_warmup_ms, max_sample_ms, given_reps = 0, base = 0;
  if (r->cell.kind != 's') return fail(err, "malformed request: \"cell\" is not a string");
  if (number(&r->targetSampleMs, "targetSampleMs", &target_ms, err) || number(&r->maxWarmupMs, "maxWarmupMs", &max_warmup_ms, err) ||
      number(&r->maxSampleMs, "maxSampleMs", &max_sample_ms, err))
    return -1;
  if (r->reps.kind && integer(&r->reps, "reps", 1, EXACT_LIMIT, &given_reps, err)) return -1;
  if (r->base.kind && integer(&r->base, "base", 0, 4294967295.0, &base, err)) return -1;
  cell c = {0};
  c.base = (uint32_t)base;
  c.stream = decode_stream(&r->stream, &c.count, err);
  if (!c.stream) return -1;
  send_text("{\"type\":\"loaded\"}", 17);

  double target_ns = target_ms * 1e6;
  if (!r->reps.kind && refuse_heavy(&c, max_sample_ms, err)) {
    free(c.stream);
    return -1;
  }
  c.reps = calibrate(&c, target_ns); /* the first pass warms caches and predictors */
  c.reps = r->reps.kind ? (uint64_t)given_reps : calibrate(&c, target_ns);
  double prepass = ceil_pos((double)c.reps * PREPASS_MS / target_ms);
  c.prepass = prepass > 1 ? (uint64_t)prepass : 1;
  warm w = warm_up(&c, max_warmup_ms);
  double dispatches = (double)c.reps * (double)c.count;
  uint64_t checksum;
  time_run(&c, c.reps, c.count, &checksum);

  cell *slot = find_cell(r->cell.text, r->cell.len);
  if (!slot) {
    if (ncells == cells_cap) {
      size_t cap = cells_cap ? cells_cap * 2 : 4;
      cell *grown = realloc(cells, cap * sizeof *grown);
      if (!grown) {
        free(c.stream);
        return fail(err, "out of memory");
      }
      cells = grown;
      cells_cap = cap;
    }
    c.key = malloc(r->cell.len + 1);
    if (!c.key) {
      free(c.stream);
      return fail(err, "out of memory");
    }
    memcpy(c.key, r->cell.text, r->cell.len);
    c.key[r->cell.len] = '\0';
    c.key_len = r->cell.len;
    slot = &cells[ncells++];
  } else {
    free(slot->stream);
    c.key = slot->key;
    c.key_len = slot->key_len;
  }
  *slot = c;

  put_str(out, "{\"type\":\"ready\",\"reps\":");
  put_number(out, (double)c.reps);
  put_str(out, ",\"dispatches\":");
  put_number(out, dispatches);
  put_fmt(out, ",\"warmupSamples\":%u,\"warmupMs\":", w.samples);
  put_number(out, w.ms);
  put_str(out, ",\"warmNsPerDispatch\":");
  put_number(out, w.last / dispatches);
  put_fmt(out, ",\"checksum\":\"%" PRId64 "\",\"execArgv\":[],\"maxRssMB\":", (int64_t)checksum);
  put_number(out, max_rss_mb());
  if (guard) put_fmt(out, ",\"guard\":\"%s\"", guard);
  put_str(out, "}");
  return 0;
}

/* child.ts sample: an untimed pass, then the timed call. */
static int sample_cell(const request *r, buf *out, buf *err) {
  double round;
  if (r->cell.kind != 's') return fail(err, "malformed request: \"cell\" is not a string");
  if (number(&r->round, "round", &round, err)) return -1;
  const cell *c = find_cell(r->cell.text, r->cell.len);
  if (!c) {
    /* As child.ts words it; the raw text is already escaped: the message reads back as the cell's own name. */
    put_str(err, "Error: no cell ");
    put(err, r->cell.text, r->cell.len);
    put_str(err, " in this process");
    return -1;
  }
  sink = run(c->stream, c->count, c->prepass, c->base);
  uint64_t checksum;
  double ns = time_run(c, c->reps, c->count, &checksum);
  put_str(out, "{\"type\":\"sample\",\"round\":");
  put_number(out, round);
  put_str(out, ",\"ns\":");
  put_number(out, ns);
  put_fmt(out, ",\"checksum\":\"%" PRId64 "\",\"maxRssMB\":", (int64_t)checksum);
  put_number(out, max_rss_mb());
  put_str(out, "}");
  return 0;
}

static void handle(const char *line, size_t len) {
  request r;
  buf out = {0}, err = {0};
  const char *phase = "init";
  if (parse_request(line, len, &r, &err)) {
    if (strstr(line, "\"type\":\"sample\"")) phase = "sample";
  } else if (string_is(&r.type, "init")) {
    if (!init_cell(&r, &out, &err)) send(&out);
  } else if (string_is(&r.type, "sample")) {
    phase = "sample";
    if (!sample_cell(&r, &out, &err)) send(&out);
  } else {
    fail(&err, "malformed request: \"type\" is neither \"init\" nor \"sample\"");
  }
  if (err.len || err.failed) send_error(phase, &err);
  else if (out.failed) send_error(phase, &(buf){.failed = 1});
  free(out.data);
  free(err.data);
}

/* ---------------------------------------------------------------- counts (counter.ts) */

/* One counted cell: its stream (64-byte aligned) and base. */
typedef struct {
  int32_t *stream;
  size_t count;
  uint32_t base;
} counted_cell;

/* A decimal integer from `s` to `end` (exclusive) in [min, max]: 0 and *out, or -1. */
static int parse_u64(const char *s, const char *end, uint64_t min, uint64_t max, uint64_t *out) {
  if (s == end) return -1;
  uint64_t x = 0;
  for (const char *p = s; p < end; p++) {
    if (*p < '0' || *p > '9') return -1;
    unsigned d = (unsigned)(*p - '0');
    if (x > (UINT64_MAX - d) / 10) return -1;
    x = x * 10 + d;
  }
  if (x < min || x > max) return -1;
  *out = x;
  return 0;
}

/* `FILE:BASE` (the file may hold colons: the last one ends it): the stream read, or -1 with the reason on stderr. */
static int load_cell(const char *arg, counted_cell *c) {
  const char *base_colon = strrchr(arg, ':');
  uint64_t base;
  if (!base_colon || base_colon == arg || parse_u64(base_colon + 1, base_colon + strlen(base_colon), 0, UINT32_MAX, &base)) {
    fprintf(stderr, "dispatch-lab native counts: \"%s\" is not FILE:BASE (BASE 0 to 4294967295)\n", arg);
    return -1;
  }
  size_t name_len = (size_t)(base_colon - arg);
  char *name = malloc(name_len + 1);
  if (!name) {
    fputs("dispatch-lab native counts: out of memory\n", stderr);
    return -1;
  }
  memcpy(name, arg, name_len);
  name[name_len] = '\0';
  FILE *f = fopen(name, "rb");
  long size = -1;
  if (f && fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (!f || size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "dispatch-lab native counts: cannot read %s: %s\n", name, strerror(errno));
    if (f) fclose(f);
    free(name);
    return -1;
  }
  if (size == 0 || size % 4) {
    fprintf(stderr, "dispatch-lab native counts: %s has %ld bytes: not a non-empty stream of 32-bit numbers\n", name, size);
    fclose(f);
    free(name);
    return -1;
  }
  void *memory = NULL;
  if (posix_memalign(&memory, 64, (size_t)size)) {
    fprintf(stderr, "dispatch-lab native counts: out of memory for %s\n", name);
    fclose(f);
    free(name);
    return -1;
  }
  size_t got = fread(memory, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size) {
    fprintf(stderr, "dispatch-lab native counts: %s: read %zu of %ld bytes\n", name, got, size);
    free(memory);
    free(name);
    return -1;
  }
  free(name);
  c->stream = memory;
  c->count = (size_t)size / 4;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (size_t k = 0; k < c->count; k++) c->stream[k] = (int32_t)__builtin_bswap32((uint32_t)c->stream[k]);
#endif
  c->base = (uint32_t)base;
  return 0;
}

/* The passes of each cell's three calls, and the mark after each (counts-plan.ts CALL_REPS, callgrind.ts MARK_FUNCTION). */
static const uint64_t call_reps[3] = {1, 1, 2};
#define COUNT_MARK() ((void)getppid())

/* `counts FILE:BASE ...` (argv without the binary and "counts"): every stream read first, a mark, then per cell three calls, each followed by a mark; a sum a line. */
int dl_counts(int argc, char **argv) {
  if (argc < 1) {
    fputs("dispatch-lab native counts: usage: counts FILE:BASE ...\n", stderr);
    return 2;
  }
  counted_cell *cells = calloc((size_t)argc, sizeof *cells);
  int64_t *sums = calloc((size_t)argc * 3, sizeof *sums);
  if (!cells || !sums) {
    fputs("dispatch-lab native counts: out of memory\n", stderr);
    return 2;
  }
  int status = 0;
  for (int i = 0; i < argc && !status; i++)
    if (load_cell(argv[i], &cells[i])) status = 2;
  if (!status) {
    COUNT_MARK();
    for (int i = 0; i < argc; i++)
      for (int k = 0; k < 3; k++) {
        sums[3 * i + k] = (int64_t)run(cells[i].stream, cells[i].count, call_reps[k], cells[i].base);
        COUNT_MARK();
      }
    for (int i = 0; i < 3 * argc; i++) printf("%" PRId64 "\n", sums[i]);
  }
  for (int i = 0; i < argc; i++) free(cells[i].stream);
  free(cells);
  free(sums);
  if (!status && (fflush(stdout) != 0 || ferror(stdout))) status = 1;
  return status;
}

/* ---------------------------------------------------------------- orphan guard (launcher.ts guardSelf) */

static pid_t runner_pid;

#ifndef __linux__
static void *watchdog(void *unused) {
  (void)unused;
  const struct timespec pause = {0, WATCHDOG_MS * 1000000L};
  for (;;) {
    nanosleep(&pause, NULL);
    if (getppid() != runner_pid) kill(getpid(), SIGKILL);
  }
  return NULL;
}
#endif

/* Exit when the runner is already gone; make sure the kernel or a thread ends this process when it goes. The guard's name, or NULL. */
static const char *guard_self(void) {
  const char *env = getenv(GUARD_ENV);
  if (!env) return NULL;
  const char *colon = strchr(env, ':');
  if (!colon) return NULL;
  size_t len = (size_t)(colon - env);
  const char *name = len == 9 && memcmp(env, "pdeathsig", 9) == 0 ? "pdeathsig" : len == 8 && memcmp(env, "watchdog", 8) == 0 ? "watchdog" : NULL;
  if (!name) return NULL;
  char *end = NULL;
  errno = 0;
  long pid = strtol(colon + 1, &end, 10);
  if (errno || end == colon + 1 || *end != '\0' || pid <= 0) exit(1);
  runner_pid = (pid_t)pid;
  if (getppid() != runner_pid) exit(1);
  if (name[0] == 'w') {
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
      perror("dispatch-lab native child: prctl(PR_SET_PDEATHSIG)");
      exit(1);
    }
    if (getppid() != runner_pid) exit(1); /* the runner died before the signal was set */
#else
    pthread_t thread;
    if (pthread_create(&thread, NULL, watchdog, NULL) != 0) {
      fputs("dispatch-lab native child: cannot start the watchdog thread\n", stderr);
      exit(1);
    }
    pthread_detach(thread);
#endif
  }
  return name;
}

/* ---------------------------------------------------------------- main loop */

/* One request per line on stdin; stdin closing ends the child (status 0). */
int dl_child(void) {
  guard = guard_self();
  char *line = NULL;
  size_t cap = 0;
  for (;;) {
    errno = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
      if (errno != ENOMEM || feof(stdin)) break;
      /* A line too long for memory: skip the rest of it, say so, read on. */
      int ch;
      while ((ch = getchar()) != EOF && ch != '\n') {
      }
      buf err = {0};
      fail(&err, "out of memory reading a request line");
      send_error("init", &err);
      free(err.data);
      if (ch == EOF) break;
      continue;
    }
    size_t len = (size_t)n;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (len == 0) continue;
    handle(line, len);
  }
  free(line);
  for (size_t i = 0; i < ncells; i++) free_cell(&cells[i]);
  free(cells);
  return ferror(stdin) ? 1 : 0;
}
