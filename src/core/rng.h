/* rng.h — explicit random number streams (xoshiro256** seeded by splitmix64).
 *
 * A stream is derived from (seed, stream id): parallel code gives each point
 * or fixed-size chunk its own stream, never one per thread, so results do not
 * depend on the thread count.  Internal. */
#ifndef EV_CORE_RNG_H
#define EV_CORE_RNG_H

#include <stdint.h>

typedef struct ev__rng {
  uint64_t s[4];
} ev__rng;

void ev__rng_seed(ev__rng *r, uint64_t seed, uint64_t stream);
uint64_t ev__rng_u64(ev__rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double ev__rng_uniform(ev__rng *r);
/* Uniform integer in [0, n), n >= 1, without modulo bias. */
uint64_t ev__rng_below(ev__rng *r, uint64_t n);
/* Standard normal (Box-Muller; one value per call, so draws stay independent of call pairing). */
double ev__rng_normal(ev__rng *r);

#endif
