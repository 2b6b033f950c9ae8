#include "backend/SplicePipes.h"

#include <fcntl.h>
#include <unistd.h>

namespace mailwire::backend {

namespace {

constexpr size_t kMaxSpare = 64;
// Larger pipes move a bulk transfer in fewer system calls; the kernel caps the size (pipe-max-size, per-user
// pipe pages), and a refusal just leaves the default 64 KiB.
constexpr int kWantedCapacity = 1 << 20;

void closePipe(SplicePipe& pipe) {
    if (pipe.readEnd >= 0) ::close(pipe.readEnd);
    if (pipe.writeEnd >= 0) ::close(pipe.writeEnd);
    pipe = SplicePipe{};
}

}  // namespace

SplicePipes& SplicePipes::forThisWorker() {
    // Workers are single-threaded processes; a static made after fork() belongs to its worker alone.
    static SplicePipes pipes;
    return pipes;
}

SplicePipes::~SplicePipes() {
    for (auto& pipe : spare_) closePipe(pipe);
}

bool SplicePipes::acquire(SplicePipe& pipe) {
    if (pipe.open()) return true;
    if (!spare_.empty()) {
        pipe = spare_.back();
        spare_.pop_back();
        return true;
    }
    int ends[2];
    if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) return false;
    pipe.readEnd = ends[0];
    pipe.writeEnd = ends[1];
    pipe.held = 0;
    ::fcntl(pipe.writeEnd, F_SETPIPE_SZ, kWantedCapacity);
    const int capacity = ::fcntl(pipe.writeEnd, F_GETPIPE_SZ);
    if (capacity > 0) pipe.capacity = static_cast<size_t>(capacity);
    return true;
}

void SplicePipes::release(SplicePipe& pipe) {
    if (!pipe.open()) return;
    if (pipe.held == 0 && spare_.size() < kMaxSpare) {
        spare_.push_back(pipe);
        pipe = SplicePipe{};
        return;
    }
    closePipe(pipe);
}

}  // namespace mailwire::backend
