#include "line_splitter.h"

namespace mailwire::fake {

void LineSplitter::feed(std::string_view bytes, std::vector<std::string>& lines) {
    while (!bytes.empty()) {
        std::size_t room = maxLine_ - partial_.size();
        std::size_t lf = bytes.substr(0, room).find('\n');
        if (lf != std::string_view::npos) {
            partial_.append(bytes.data(), lf + 1);
            bytes.remove_prefix(lf + 1);
        } else {
            std::size_t take = std::min(room, bytes.size());
            partial_.append(bytes.data(), take);
            bytes.remove_prefix(take);
            if (partial_.size() < maxLine_) break;
        }
        lines.push_back(std::move(partial_));
        partial_.clear();
    }
}

std::string LineSplitter::takeRest() {
    std::string rest = std::move(partial_);
    partial_.clear();
    return rest;
}

}  // namespace mailwire::fake
