#include "core/Ipv4Text.h"

namespace mailwire::core {

void formatIpv4(const unsigned char* octets, char* text) {
    for (int i = 0; i < 4; ++i) {
        const unsigned value = octets[i];
        if (value >= 100) *text++ = static_cast<char>('0' + value / 100);
        if (value >= 10) *text++ = static_cast<char>('0' + value / 10 % 10);
        *text++ = static_cast<char>('0' + value % 10);
        if (i < 3) *text++ = '.';
    }
    *text = '\0';
}

}  // namespace mailwire::core
