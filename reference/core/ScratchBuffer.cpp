#include "core/ScratchBuffer.h"

#include <memory>

namespace mailwire::core {

char* scratchBuffer(size_t size) {
    // Workers are single-threaded processes: one buffer each, grown to the largest size asked for.
    static std::unique_ptr<char[]> buffer;
    static size_t capacity = 0;
    if (capacity < size) {
        buffer.reset(new char[size]);
        capacity = size;
    }
    return buffer.get();
}

}  // namespace mailwire::core
