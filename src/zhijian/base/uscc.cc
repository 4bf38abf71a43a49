#include "zhijian/base/uscc.h"

#include <array>
#include <utility>

#include "zhijian/base/id_text.h"

namespace zhijian {
namespace {

// GB 32100 weights W_i = 3^(i-1) mod 31, i = 1..17.
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
// GB 11714 weights of the 8 body characters.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// Index in kUsccCharset, or -1.
int UsccValue(char c) {
  const size_t pos = kUsccCharset.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// GB 11714 value: 0-9, A=10 ... Z=35; -1 otherwise.
int OrgValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

Error BadLength(size_t got, size_t want) {
  return Error::Invalid("uscc.bad-length", "统一社会信用代码应为" + std::to_string(want) + "位",
                        "a unified social credit code has " + std::to_string(want) + " characters",
                        "got " + std::to_string(got));
}

Error BadChar(size_t pos) {
  return Error::Invalid("uscc.bad-char", "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）",
                        "the code contains a character outside the GB 32100 charset "
                        "(I, O, S, V, Z are not used)",
                        "position " + std::to_string(pos));
}

struct TypeEntry {
  std::string_view code;
  std::string_view name;
};

// Positions 1-2: GB 32100-2015 table with the extensions in use (compliance-rules.md §1.4).
constexpr TypeEntry kTypes[] = {
    {"11", "机关"},
    {"12", "事业单位"},
    {"13", "编办直接管理机构编制的群众团体"},
    {"19", "其他（机构编制）"},
    {"21", "外国常驻新闻机构"},
    {"29", "其他（外交）"},
    {"31", "律师执业机构"},
    {"36", "商事调解组织"},
    {"39", "其他（司法行政）"},
    {"41", "外国在华文化中心"},
    {"49", "其他（文化）"},
    {"51", "社会团体"},
    {"52", "民办非企业单位"},
    {"53", "基金会"},
    {"54", "村民委员会"},
    {"55", "居民委员会"},
    {"59", "其他（民政）"},
    {"61", "外国政府旅游部门常驻代表机构"},
    {"62", "港澳台地区旅游部门常驻代表机构"},
    {"69", "其他（旅游）"},
    {"71", "宗教活动场所"},
    {"72", "宗教院校"},
    {"79", "其他（宗教）"},
    {"81", "基层工会"},
    {"82", "非法人工会组织"},
    {"89", "其他（工会）"},
    {"91", "企业"},
    {"92", "个体工商户"},
    {"93", "农民专业合作社"},
    {"99", "其他（市场监管）"},
    {"A1", "军队文职人员用人单位"},
    {"A9", "其他（中央军委改革和编制办公室）"},
    {"G1", "境外非政府组织代表机构"},
    {"G9", "其他（公安）"},
    {"J1", "业主大会"},
    {"J9", "其他（住房城乡建设）"},
    {"N1", "组级集体经济组织"},
    {"N2", "村级集体经济组织"},
    {"N3", "乡镇级集体经济组织"},
    {"N9", "其他（农业农村）"},
    {"Q1", "区县级侨联组织"},
    {"Q2", "乡镇级侨联组织"},
    {"Q3", "村级侨联组织"},
    {"Q9", "其他（侨联）"},
    {"Y1", "其他"},
};

}  // namespace

std::string_view UsccAuthorityName(char authority) {
  switch (authority) {
    case '1':
      return "机构编制";
    case '2':
      return "外交";
    case '3':
      return "司法行政";
    case '4':
      return "文化";
    case '5':
      return "民政";
    case '6':
      return "旅游";
    case '7':
      return "宗教";
    case '8':
      return "工会";
    case '9':
      return "市场监管";
    case 'A':
      return "中央军委改革和编制办公室";
    case 'G':
      return "公安";
    case 'J':
      return "住房城乡建设";
    case 'N':
      return "农业农村";
    case 'Q':
      return "侨联";
    case 'Y':
      return "其他";
    default:
      return "";
  }
}

std::string_view UsccTypeName(std::string_view type_code) {
  for (const TypeEntry& t : kTypes) {
    if (t.code == type_code) return t.name;
  }
  return "";
}

Result<char> Uscc::ComputeCheckChar(std::string_view first17) {
  if (first17.size() != 17) return BadLength(first17.size(), 17);
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = UsccValue(first17[i]);
    if (v < 0) return BadChar(i + 1);
    sum += v * kUsccWeights[i];
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

Result<char> Uscc::ComputeOrgCheckChar(std::string_view body8) {
  if (body8.size() != 8) return BadLength(body8.size(), 8);
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const int v = OrgValue(body8[i]);
    if (v < 0) return BadChar(i + 1);
    sum += v * kOrgWeights[i];
  }
  const int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

Result<Uscc> Uscc::Parse(std::string_view text) {
  auto folded = id_text::FoldToAscii(text);
  if (!folded) {
    return Error::Invalid("uscc.bad-encoding", "统一社会信用代码不是有效的 UTF-8 文本",
                          "the code is not valid UTF-8 text");
  }
  const std::string code = id_text::ToUpper(id_text::RemoveSpaces(*folded));
  if (code.empty()) {
    return Error::Invalid("uscc.empty", "统一社会信用代码为空", "the code is empty");
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (UsccValue(code[i]) < 0) return BadChar(i + 1);
  }
  if (code.size() != 18) return BadLength(code.size(), 18);
  for (size_t i = 2; i < 8; ++i) {
    if (!id_text::IsDigit(code[i])) {
      return Error::Invalid("uscc.bad-region", "统一社会信用代码第3-8位应为行政区划代码（数字）",
                            "positions 3-8 must be a GB/T 2260 region code (digits)",
                            "position " + std::to_string(i + 1));
    }
  }

  UsccChecks checks;
  checks.expected_check = *ComputeCheckChar(std::string_view(code).substr(0, 17));
  checks.check_ok = checks.expected_check == code[17];
  checks.expected_org_check = *ComputeOrgCheckChar(std::string_view(code).substr(8, 8));
  checks.org_check_ok = checks.expected_org_check == code[16];
  checks.type_known = !UsccTypeName(std::string_view(code).substr(0, 2)).empty();
  if (!checks.check_ok) {
    checks.warnings.push_back(
        {"uscc.check-mismatch",
         std::string("第18位校验码不符，按 GB 32100 计算应为 ") + checks.expected_check,
         std::string("position 18 fails the GB 32100 check; expected ") + checks.expected_check});
  }
  if (!checks.org_check_ok) {
    checks.warnings.push_back({"uscc.org-check-mismatch",
                               std::string("第17位组织机构代码校验码不符，按 GB 11714 计算应为 ") +
                                   checks.expected_org_check,
                               std::string("position 17 fails the GB 11714 check; expected ") +
                                   checks.expected_org_check});
  }
  if (!checks.type_known) {
    checks.warnings.push_back({"uscc.unknown-type", "第1-2位登记管理部门和机构类别代码不在代码表中",
                               "positions 1-2 are not a known authority and type code"});
  }
  return Uscc(code, std::move(checks));
}

std::string_view Uscc::authority_name() const { return UsccAuthorityName(code_[0]); }
std::string_view Uscc::type_name() const { return UsccTypeName(type_code()); }

}  // namespace zhijian
