#include "alloc.h"

_Atomic unsigned long map_alloc_fail_countdown;
