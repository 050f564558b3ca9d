/* speed_net.h - lesson 12's measurements of whole networks and single
 * layers: seconds per call, training images per second, each layer's
 * forward and backward time inside a network. */
#ifndef CN_KIT_SPEED_NET_H
#define CN_KIT_SPEED_NET_H

#include <stdint.h>

#include "core/net.h"
#include "datasets/dataset.h"

/* Seconds per call of fn(ctx): the median of `repeat` timings of enough
 * calls to fill about min_s seconds each, after one warm-up call. */
double seconds_per_call(void (*fn)(void *ctx), void *ctx, double min_s, int repeat);

/* Training images per second of net (weights as they are) on the first
 * batch x batches images of ds: train_run with the lessons' loop (batch
 * gathering, forward, loss, backward, SGD with momentum), through the two
 * halves when replica is given (core/train.h). */
double train_images_per_s(Net *net, Net *replica, const Dataset *ds, int batch, int batches, uint64_t seed);

/* fwd[i] and bwd[i]: seconds of layer i's forward and backward at batch B
 * on the network's own buffers, one after another as training runs them
 * (the input batch: the first B images of ds), each the median of `repeat`
 * timings of about min_s seconds. */
void layer_seconds(Net *net, const Dataset *ds, int B, double min_s, int repeat, double *fwd, double *bwd);

#endif
