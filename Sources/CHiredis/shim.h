// hiredis as a system library. `redisCommand` is variadic (Swift cannot call it):
// RondaQueue uses `redisCommandArgv` only.
#ifndef RONDA_CHIREDIS_SHIM_H
#define RONDA_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
