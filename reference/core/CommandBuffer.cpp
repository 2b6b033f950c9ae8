#include "core/CommandBuffer.h"

#include <algorithm>

namespace mailwire::core {

CommandBuffer::CommandBuffer(size_t capacity, int maxErrors) : capacity_(capacity), maxErrors_(maxErrors) {}

char* CommandBuffer::readSpace(size_t& room) {
    if (!buffer_) buffer_.reset(new char[capacity_]);
    room = capacity_ - last_;
    return buffer_.get() + last_;
}

// Clamped to what was allocated: a read can never have put more there.
void CommandBuffer::commitRead(size_t bytes) {
    last_ = std::min(last_ + bytes, buffer_ ? capacity_ : size_t{0});
}

void CommandBuffer::resetIfConsumed() {
    if (pos_ == last_) pos_ = last_ = 0;
}

void CommandBuffer::discard() { pos_ = last_ = 0; }

std::string CommandBuffer::takeUnconsumed() {
    std::string rest(contents().substr(pos_));
    discard();
    return rest;
}

std::string_view CommandBuffer::contents() const {
    if (last_ == 0) return std::string_view();
    return std::string_view(buffer_.get(), last_);
}

std::string CommandBuffer::tooLongLog() const {
    return "client sent too long command \"" + std::string(contents()) + "\"";
}

bool CommandBuffer::countParseError() { return ++errors_ >= maxErrors_; }

}  // namespace mailwire::core
