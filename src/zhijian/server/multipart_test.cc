#include "zhijian/server/multipart.h"

#include <gtest/gtest.h>

namespace zhijian::server {
namespace {

using namespace std::string_literals;

TEST(MultipartBoundaryTest, ReadsQuotedAndTokenBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=----WebKitFormBoundaryAb12"),
            "----WebKitFormBoundaryAb12");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; boundary=x"), "x");
  for (const char* bad :
       {"multipart/form-data", "multipart/mixed; boundary=x",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"a \"",
        "multipart/form-data; boundary=\"a<b\"", "multipart/form-data; boundary=x; boundary=y"}) {
    auto b = MultipartBoundary(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.error().code(), "request.multipart-boundary") << bad;
  }
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
}

TEST(MultipartTest, ParsesWhatBrowsersSend) {
  const std::string body =
      "------WebKitFormBoundary7MA4\r\n"
      "Content-Disposition: form-data; name=\"store\"\r\n"
      "\r\n"
      "true\r\n"
      "------WebKitFormBoundary7MA4\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"报告 1.pdf\"\r\n"
      "Content-Type: application/pdf\r\n"
      "\r\n"
      "%PDF-1.7\r\n\r\n--not the delimiter\r\n\0binary"
      "\r\n------WebKitFormBoundary7MA4\r\n"
      "content-disposition: FORM-DATA; name=file; filename=\"a\\\"b.png\"\r\n"
      "\r\n"
      "\r\n------WebKitFormBoundary7MA4--\r\n"s;
  auto parts = ParseMultipart(body, "----WebKitFormBoundary7MA4");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "store");
  EXPECT_FALSE((*parts)[0].has_filename);
  EXPECT_EQ((*parts)[0].body, "true");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "报告 1.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].body, "%PDF-1.7\r\n\r\n--not the delimiter\r\n\0binary"s);
  EXPECT_EQ((*parts)[2].filename, "a\"b.png");
  EXPECT_EQ((*parts)[2].body, "");
}

TEST(MultipartTest, ReadsBinaryBodiesWithNulBytes) {
  std::string payload("\0\r\n--b\r\n-\xff", 10);
  std::vector<MultipartPart> parts{{"file", "x.bin", true, "", payload}};
  auto back = ParseMultipart(BuildMultipart(parts, "bb"), "bb");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, parts);
}

TEST(MultipartTest, ExtendedFilenameWins) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.pdf\"; "
      "filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf\r\n\r\nz\r\n--b--";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  EXPECT_EQ((*parts)[0].filename, "报告.pdf");
}

TEST(MultipartTest, RoundTrips) {
  std::vector<MultipartPart> parts{{"a", "", false, "", "one"},
                                   {"file", "q\"\\.pdf", true, "application/pdf", "%PDF"},
                                   {"file", "", true, "", ""}};
  auto back = ParseMultipart(BuildMultipart(parts, "zz'()+_,-./:=? x"), "zz'()+_,-./:=? x");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, parts);
  auto none = ParseMultipart("--b--\r\n", "b");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(MultipartTest, RefusesMalformedBodies) {
  const std::string ok_part = "Content-Disposition: form-data; name=\"f\"\r\n\r\nv";
  for (const std::string& body : std::vector<std::string>{
           "",                                             // nothing
           "preamble\r\n--b\r\n" + ok_part + "\r\n--b--",  // a preamble
           "--b\r\n" + ok_part,                            // no closing delimiter
           "--b\r\n" + ok_part + "\r\n--b",                // delimiter without -- or CRLF
           "--b \r\n" + ok_part + "\r\n--b--",             // transport padding
           "--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",            // no name
           "--b\r\nContent-Disposition: attachment; name=f\r\n\r\nv\r\n--b--",   // not form-data
           "--b\r\nX-Other: 1\r\n" + ok_part + "\r\n--b--",                      // other header
           "--b\r\n\r\nv\r\n--b--",                                              // no headers
           "--b\r\nContent-Disposition: form-data; name=\"f\r\n\r\nv\r\n--b--",  // open quote
           "--b\r\nContent-Disposition: form-data; name=f; name=g\r\n\r\nv\r\n--b--",
           "--b\r\nContent-Disposition: form-data; name=f\r\nContent-Transfer-Encoding: "
           "base64\r\n\r\nv\r\n--b--",
           "--b\r\nContent-Disposition: form-data; name=\"\x01\"\r\n\r\nv\r\n--b--",
           "--b\r\nContent-Disposition: form-data; name=f; filename*=latin1''x\r\n\r\nv\r\n--b--",
           "--b\r\nContent-Disposition: form-data; name=f\r\n" + std::string(5000, 'x') +
               ": y\r\n\r\nv\r\n--b--",
       }) {
    auto parts = ParseMultipart(body, "b");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_EQ(parts.error().code(), "request.multipart-malformed") << body;
  }
}

TEST(MultipartTest, LimitsTheNumberOfParts) {
  std::vector<MultipartPart> parts(5, MultipartPart{"f", "", false, "", "x"});
  const std::string body = BuildMultipart(parts, "b");
  EXPECT_TRUE(ParseMultipart(body, "b", {.max_parts = 5}).ok());
  auto r = ParseMultipart(body, "b", {.max_parts = 4});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "request.multipart-too-many-parts");
  EXPECT_EQ(r.error().kind(), Error::Kind::kPayloadTooLarge);
}

}  // namespace
}  // namespace zhijian::server
