// CommandBuffer: nginx's client command buffer (spec 3.1) and max_errors count (spec 3.3), without sockets.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "core/CommandBuffer.h"

namespace mailwire::core {
namespace {

// Copies `bytes` into the buffer the way a read would; returns how many fitted.
size_t feed(CommandBuffer& input, const std::string& bytes) {
    size_t room = 0;
    char* space = input.readSpace(room);
    const size_t n = std::min(room, bytes.size());
    if (n > 0) std::memcpy(space, bytes.data(), n);
    input.commitRead(n);
    return n;
}

// A line parser of the protocols' shape: consumes one LF-terminated line or wants more.
struct LineParser {
    enum Event { NeedMore, Line };
    std::string line;
    Event parse(const char* buffer, size_t& pos, size_t last) {
        for (size_t i = pos; i < last; ++i) {
            if (buffer[i] == '\n') {
                line.assign(buffer + pos, i + 1 - pos);
                pos = i + 1;
                return Line;
            }
        }
        return NeedMore;
    }
};

TEST(CommandBufferTest, AllocatesOnlyAtTheFirstRead) {
    CommandBuffer input(4096, 5);
    EXPECT_FALSE(input.allocated());
    EXPECT_EQ(input.capacity(), 4096u);
    EXPECT_TRUE(input.contents().empty());
    EXPECT_EQ(input.takeUnconsumed(), "");
    EXPECT_FALSE(input.allocated());

    size_t room = 0;
    char* space = input.readSpace(room);
    EXPECT_TRUE(input.allocated());
    EXPECT_NE(space, nullptr);
    EXPECT_EQ(room, 4096u);
}

TEST(CommandBufferTest, ReadsAppendAtTheEnd) {
    CommandBuffer input(16, 5);
    feed(input, "NOOP");
    feed(input, "\r\n");
    EXPECT_EQ(input.contents(), "NOOP\r\n");
    size_t room = 0;
    input.readSpace(room);
    EXPECT_EQ(room, 10u);
}

TEST(CommandBufferTest, CommitIsClampedToTheCapacity) {
    CommandBuffer input(8, 5);
    size_t room = 0;
    input.readSpace(room);
    input.commitRead(100);
    EXPECT_EQ(input.last(), 8u);
    EXPECT_TRUE(input.full());
}

TEST(CommandBufferTest, CommitWithoutAReadAddsNothing) {
    CommandBuffer input(8, 5);
    input.commitRead(3);
    EXPECT_EQ(input.last(), 0u);
    EXPECT_TRUE(input.contents().empty());
}

TEST(CommandBufferTest, ResetsOnlyWhenEveryByteIsConsumed) {
    CommandBuffer input(64, 5);
    LineParser parser;
    feed(input, "A\r\nB\r\n");
    ASSERT_EQ(input.parseWith(parser), LineParser::Line);
    EXPECT_EQ(parser.line, "A\r\n");
    input.resetIfConsumed();
    EXPECT_EQ(input.pos(), 3u);
    EXPECT_EQ(input.last(), 6u);
    EXPECT_FALSE(input.consumed());

    ASSERT_EQ(input.parseWith(parser), LineParser::Line);
    EXPECT_EQ(parser.line, "B\r\n");
    EXPECT_TRUE(input.consumed());
    input.resetIfConsumed();
    EXPECT_EQ(input.pos(), 0u);
    EXPECT_EQ(input.last(), 0u);
}

TEST(CommandBufferTest, NeverCompactsSoPipelinedLinesCanFillIt) {
    // spec 3.1: a short partial command at the end of a full buffer is still "too long".
    CommandBuffer input(10, 5);
    LineParser parser;
    EXPECT_EQ(feed(input, "NOOP\r\nNOOP\r\n"), 10u);
    ASSERT_EQ(input.parseWith(parser), LineParser::Line);
    input.resetIfConsumed();
    EXPECT_EQ(input.parseWith(parser), LineParser::NeedMore);
    EXPECT_TRUE(input.full());
    EXPECT_EQ(input.tooLongLog(), "client sent too long command \"NOOP\r\nNOOP\"");
}

TEST(CommandBufferTest, TooLongLogShowsTheWholeBuffer) {
    CommandBuffer input(4, 5);
    feed(input, "USER");
    EXPECT_TRUE(input.full());
    EXPECT_EQ(input.tooLongLog(), "client sent too long command \"USER\"");
}

TEST(CommandBufferTest, DiscardThrowsEverythingAway) {
    CommandBuffer input(32, 5);
    LineParser parser;
    feed(input, "STLS\r\nINJECTED\r\n");
    ASSERT_EQ(input.parseWith(parser), LineParser::Line);
    input.discard();
    EXPECT_TRUE(input.consumed());
    EXPECT_TRUE(input.contents().empty());
    size_t room = 0;
    input.readSpace(room);
    EXPECT_EQ(room, 32u);
}

TEST(CommandBufferTest, TakeUnconsumedHandsOverTheRestAndEmpties) {
    CommandBuffer input(32, 5);
    LineParser parser;
    feed(input, "PASS x\r\nSTAT\r\n");
    ASSERT_EQ(input.parseWith(parser), LineParser::Line);
    input.resetIfConsumed();
    EXPECT_EQ(input.takeUnconsumed(), "STAT\r\n");
    EXPECT_EQ(input.pos(), 0u);
    EXPECT_EQ(input.last(), 0u);
    EXPECT_EQ(input.takeUnconsumed(), "");
}

TEST(CommandBufferTest, CountsParseErrorsUpToMaxErrors) {
    CommandBuffer input(16, 3);
    EXPECT_FALSE(input.countParseError());
    EXPECT_FALSE(input.countParseError());
    EXPECT_TRUE(input.countParseError());
    EXPECT_STREQ(CommandBuffer::kTooManyErrorsLog, "client sent too many invalid commands");
}

TEST(CommandBufferTest, ResetsDoNotForgetParseErrors) {
    CommandBuffer input(16, 2);
    EXPECT_FALSE(input.countParseError());
    input.discard();
    feed(input, "x");
    input.resetIfConsumed();
    EXPECT_TRUE(input.countParseError());
}

TEST(CommandBufferTest, MaxErrorsOfOneClosesAtTheFirst) {
    CommandBuffer input(16, 1);
    EXPECT_TRUE(input.countParseError());
}

TEST(CommandBufferTest, ZeroCapacityIsAlwaysFull) {
    CommandBuffer input(0, 5);
    size_t room = 1;
    input.readSpace(room);
    EXPECT_EQ(room, 0u);
    EXPECT_TRUE(input.full());
    EXPECT_EQ(input.tooLongLog(), "client sent too long command \"\"");
}

TEST(CommandBufferTest, RandomReadsAndParsesKeepTheInvariants) {
    std::mt19937 random(20261122);
    for (int round = 0; round < 200; ++round) {
        const size_t capacity = 1 + random() % 64;
        CommandBuffer input(capacity, 1 + static_cast<int>(random() % 5));
        LineParser parser;
        for (int op = 0; op < 100; ++op) {
            switch (random() % 6) {
                case 0: {
                    std::string bytes(random() % 20, '\0');
                    for (char& c : bytes) c = static_cast<char>(random() % 4 == 0 ? '\n' : random());
                    feed(input, bytes);
                    break;
                }
                case 1:
                    input.commitRead(random() % 100);
                    break;
                case 2:
                    input.parseWith(parser);
                    input.resetIfConsumed();
                    break;
                case 3:
                    input.discard();
                    break;
                case 4:
                    EXPECT_LE(input.takeUnconsumed().size(), capacity);
                    break;
                default:
                    input.countParseError();
                    break;
            }
            ASSERT_LE(input.pos(), input.last());
            ASSERT_LE(input.last(), capacity);
            ASSERT_EQ(input.contents().size(), input.last());
            ASSERT_EQ(input.full(), input.last() == capacity);
        }
    }
}

}  // namespace
}  // namespace mailwire::core
