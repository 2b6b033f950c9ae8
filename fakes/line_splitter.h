#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire::fake {

// Cuts a byte stream into lines (each up to and including LF). A line longer than the limit comes out in
// pieces of `maxLine` bytes, so a peer sending a huge line costs bounded memory per event.
class LineSplitter {
  public:
    static constexpr std::size_t kDefaultMaxLine = 64 * 1024;

    explicit LineSplitter(std::size_t maxLine = kDefaultMaxLine) : maxLine_(maxLine) {}

    // Appends the complete lines found so far to `lines`.
    void feed(std::string_view bytes, std::vector<std::string>& lines);
    // At EOF: the bytes after the last LF (possibly empty).
    std::string takeRest();

  private:
    std::size_t maxLine_;
    std::string partial_;
};

}  // namespace mailwire::fake
