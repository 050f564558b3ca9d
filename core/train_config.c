/* train_config.c - the default settings; see train_config.h. */
#include "core/train_config.h"

TrainConfig train_defaults(void)
{
    return (TrainConfig){ .epochs = 10, .batch = 64, .lr = optim_schedule_constant(0.01f), .momentum = 0.9f,
                          .weight_decay = 0.0f, .seed = 1, .mean = 0.0f, .std = 1.0f };
}
