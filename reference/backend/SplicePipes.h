// Kernel pipes for relaying with splice(2): bytes move socket -> pipe -> socket without being copied into the
// process. A worker keeps a few spare pipes; a session holds one only while bytes sit in it, so an idle
// session costs no descriptors and no memory for them.
#pragma once

#include <cstddef>
#include <vector>

namespace mailwire::backend {

struct SplicePipe {
    int readEnd = -1;
    int writeEnd = -1;
    size_t held = 0;          // bytes in the pipe, not yet delivered
    size_t capacity = 65536;  // what one splice into it may move
    bool open() const { return readEnd >= 0; }
};

class SplicePipes {
  public:
    static SplicePipes& forThisWorker();
    ~SplicePipes();

    bool acquire(SplicePipe& pipe);  // false: no pipe could be made (out of descriptors): copy instead
    void release(SplicePipe& pipe);  // a pipe still holding bytes is closed, an empty one kept for reuse

  private:
    std::vector<SplicePipe> spare_;
};

}  // namespace mailwire::backend
