#include "adapters/http/request_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::http {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

RequestLimits Small() {
  RequestLimits limits;
  limits.max_body_bytes = 1000;
  limits.max_header_bytes = 512;
  limits.max_header_count = 8;
  return limits;
}

// Feeds `bytes` `piece` at a time as the server does (unparsed bytes kept);
// returns the error, and the bytes the parser consumed in `consumed`.
ParseError Feed(RequestParser& parser, const std::string& bytes, size_t piece,
                size_t* consumed = nullptr) {
  std::string pending;
  size_t total = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += piece) {
    pending.append(bytes.substr(pos, piece));
    const RequestParser::Step step = parser.Put(pending);
    pending.erase(0, step.consumed);
    total += step.consumed;
    if (step.error != ParseError::kNone) {
      if (consumed != nullptr) *consumed = total;
      return step.error;
    }
    if (parser.done()) break;
  }
  if (consumed != nullptr) *consumed = total;
  return ParseError::kNone;
}

TEST(RequestParserTest, ReadsARequestFedOneByteAtATime) {
  RequestParser parser(Small());
  const std::string bytes =
      "POST /fhir/$process-message?x=1 HTTP/1.1\r\nHost: g\r\n"
      "Content-Type: application/fhir+json\r\nContent-Length: 2\r\n\r\n{}";
  ASSERT_EQ(Feed(parser, bytes, 1), ParseError::kNone);
  ASSERT_TRUE(parser.done());
  Request r = parser.Take();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path(), "/fhir/$process-message");
  EXPECT_EQ(r.header("content-type"), "application/fhir+json");
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(r.keep_alive);
}

TEST(RequestParserTest, ReadsAChunkedBodyAndItsTrailers) {
  RequestParser parser(Small());
  ASSERT_EQ(Feed(parser,
                 "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n",
                 5),
            ParseError::kNone);
  ASSERT_TRUE(parser.done());
  Request r = parser.Take();
  EXPECT_EQ(r.body, "abcde");
  EXPECT_THAT(r.headers, ElementsAre(Pair("Transfer-Encoding", "chunked"),
                                     Pair("X-Trailer", "t")));
}

TEST(RequestParserTest, ContentLengthOverTheLimitIsRefusedBeforeTheBody) {
  RequestParser parser(Small());
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n";
  size_t consumed = 0;
  EXPECT_EQ(Feed(parser, head + std::string(1001, 'x'), 4096, &consumed),
            ParseError::kBodyTooLarge);
  EXPECT_LE(consumed, head.size());
  EXPECT_EQ(HttpStatusOf(ParseError::kBodyTooLarge), 413);
}

TEST(RequestParserTest, ChunkedBodyIsRefusedAtTheChunkThatCrossesTheLimit) {
  RequestParser parser(Small());
  std::string bytes = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk =
      absl::StrCat("190\r\n", std::string(400, 'x'), "\r\n");
  for (int i = 0; i < 100; ++i) bytes += chunk;  // 40,000 bytes in all
  size_t consumed = 0;
  EXPECT_EQ(Feed(parser, bytes, 64, &consumed), ParseError::kBodyTooLarge);
  // Two chunks fit; the third chunk's size line is where it stops.
  EXPECT_LT(consumed, 48 + 3 * chunk.size());
}

TEST(RequestParserTest, OneHugeChunkIsRefusedByItsSizeLine) {
  RequestParser parser(Small());
  EXPECT_EQ(Feed(parser,
                 "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "fffffffff\r\nabc",
                 1000),
            ParseError::kBodyTooLarge);
}

TEST(RequestParserTest, MoreHeaderFieldsThanTheLimitAre431) {
  RequestParser parser(Small());
  std::string bytes = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 9; ++i) absl::StrAppend(&bytes, "X-", i, ": v\r\n");
  bytes += "\r\n";
  EXPECT_EQ(Feed(parser, bytes, 7), ParseError::kTooManyHeaders);
  EXPECT_EQ(HttpStatusOf(ParseError::kTooManyHeaders), 431);
}

TEST(RequestParserTest, HeaderLargerThanTheLimitIs431BeforeItEnds) {
  RequestParser parser(Small());
  EXPECT_EQ(
      Feed(parser,
           absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(600, 'a')),
           100),
      ParseError::kHeaderTooLarge);
}

TEST(RequestParserTest, BothLengthsOrNotHttpAre400) {
  for (const std::string bytes :
       {"POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: "
        "chunked\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"}) {
    RequestParser parser(Small());
    EXPECT_EQ(Feed(parser, bytes, 64), ParseError::kBadRequest) << bytes;
  }
}

TEST(RequestParserTest, PipelinedRequestLeavesTheNextOnesBytes) {
  RequestParser parser(Small());
  const std::string first = "GET /a HTTP/1.1\r\n\r\n";
  const std::string second = "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
  const RequestParser::Step step = parser.Put(first + second);
  EXPECT_EQ(step.error, ParseError::kNone);
  EXPECT_EQ(step.consumed, first.size());
  ASSERT_TRUE(parser.done());
  EXPECT_EQ(parser.Take().target, "/a");
  RequestParser next(Small());
  ASSERT_EQ(next.Put(second).consumed, second.size());
  Request r = next.Take();
  EXPECT_EQ(r.target, "/b");
  EXPECT_FALSE(r.keep_alive);
}

TEST(RequestParserTest, PeerClosingMidRequestIs400) {
  RequestParser parser(Small());
  parser.Put("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(parser.PutEof(), ParseError::kBadRequest);
}

}  // namespace
}  // namespace nhs::tobacco::http
