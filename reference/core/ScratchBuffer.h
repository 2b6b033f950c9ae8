// One buffer per worker for a read whose bytes are used (copied on, or sent) before the next read: the
// relay's copying path and the backend login's reads share it, so no session owns a buffer for them.
#pragma once

#include <cstddef>

namespace mailwire::core {

// At least `size` bytes, not zeroed; valid until the next call with a larger size.
char* scratchBuffer(size_t size);

}  // namespace mailwire::core
