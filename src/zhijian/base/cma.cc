#include "zhijian/base/cma.h"

#include <array>

#include "zhijian/base/id_text.h"

namespace zhijian {
namespace {

struct Issuer {
  std::string_view name;
  std::string_view region_prefix;
};

// Index = the two-digit issuer code.
constexpr std::array<Issuer, 32> kIssuers = {{
    {"国家认监委", ""}, {"北京", "11"}, {"天津", "12"}, {"河北", "13"},   {"山西", "14"},
    {"内蒙古", "15"},   {"辽宁", "21"}, {"吉林", "22"}, {"黑龙江", "23"}, {"上海", "31"},
    {"江苏", "32"},     {"浙江", "33"}, {"安徽", "34"}, {"福建", "35"},   {"江西", "36"},
    {"山东", "37"},     {"河南", "41"}, {"湖北", "42"}, {"湖南", "43"},   {"广东", "44"},
    {"广西", "45"},     {"海南", "46"}, {"重庆", "50"}, {"四川", "51"},   {"贵州", "52"},
    {"云南", "53"},     {"西藏", "54"}, {"陕西", "61"}, {"甘肃", "62"},   {"青海", "63"},
    {"宁夏", "64"},     {"新疆", "65"},
}};

constexpr std::array<std::string_view, 22> kDisciplines = {
    "食品",         "建筑工程", "建材", "卫生计生", "农林牧渔", "机动车安检",
    "公安刑事技术", "司法鉴定", "机械", "电子信息", "轻工",     "纺织服装",
    "环境与环保",   "水质",     "化工", "医疗器械", "采矿冶金", "能源",
    "医学",         "生物安全", "综合", "其他",
};

constexpr std::array<std::string_view, 35> kIndustries = {
    "教育",     "工业和信息", "公安",           "司法",   "国土资源", "环保",     "住房与建设",
    "交通",     "水利",       "农业",           "卫计委", "技术监督", "检验检疫", "安全生产",
    "食品药品", "林业",       "中科院",         "粮食",   "国防科工", "海洋",     "测绘",
    "铁路",     "机械",       "化工",           "石油",   "电力",     "轻工",     "商贸",
    "建材",     "供销",       "分析测试与冶金", "有色",   "节能",     "军队",     "其他",
};

int TwoDigits(std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

}  // namespace

Result<CmaCertNo> CmaCertNo::Parse(std::string_view text) {
  auto folded = id_text::FoldToAscii(text);
  if (!folded) {
    return Error::Invalid("cma.bad-encoding", "资质认定证书编号不是有效的 UTF-8 文本",
                          "the certificate number is not valid UTF-8 text");
  }
  const std::string no = id_text::RemoveSpaces(*folded);
  if (no.empty()) {
    return Error::Invalid("cma.empty", "资质认定证书编号为空", "the certificate number is empty");
  }
  if (no.find("认字") != std::string::npos) {
    return Error::Invalid("cma.legacy-format",
                          "这是2015年以前的旧式证书编号，不是12位资质认定证书编号",
                          "a legacy (pre-2015) certificate number, not the 12-digit scheme");
  }
  for (size_t i = 0; i < no.size(); ++i) {
    if (!id_text::IsDigit(no[i])) {
      return Error::Invalid("cma.bad-char", "资质认定证书编号只能由数字组成",
                            "the certificate number must consist of digits",
                            "position " + std::to_string(i + 1));
    }
  }
  if (no.size() != 12) {
    return Error::Invalid("cma.bad-length", "资质认定证书编号应为12位数字",
                          "the certificate number has 12 digits",
                          "got " + std::to_string(no.size()));
  }
  const std::string_view v(no);
  if (TwoDigits(v.substr(0, 2)) < 15) {
    return Error::Invalid("cma.bad-year", "证书编号第1-2位年份早于2015年（12位编号自2015年起使用）",
                          "digits 1-2 give a year before 2015, when the 12-digit scheme began",
                          std::string(v.substr(0, 2)));
  }
  if (TwoDigits(v.substr(2, 2)) >= static_cast<int>(kIssuers.size())) {
    return Error::Invalid("cma.bad-issuer", "证书编号第3-4位发证机关代码无效（00或01-31）",
                          "digits 3-4 are not an issuing authority code (00 or 01-31)",
                          std::string(v.substr(2, 2)));
  }
  if (TwoDigits(v.substr(4, 2)) >= static_cast<int>(kDisciplines.size())) {
    return Error::Invalid("cma.bad-discipline", "证书编号第5-6位专业领域代码无效（00-21）",
                          "digits 5-6 are not a discipline code (00-21)",
                          std::string(v.substr(4, 2)));
  }
  if (TwoDigits(v.substr(6, 2)) >= static_cast<int>(kIndustries.size())) {
    return Error::Invalid("cma.bad-industry", "证书编号第7-8位行业主管部门代码无效（00-34）",
                          "digits 7-8 are not an industry department code (00-34)",
                          std::string(v.substr(6, 2)));
  }
  if (v.substr(8, 4) == "0000") {
    return Error::Invalid("cma.bad-serial", "证书编号第9-12位流水号应从0001开始",
                          "digits 9-12 are a serial number starting at 0001");
  }
  return CmaCertNo(no);
}

int CmaCertNo::year() const { return 2000 + TwoDigits(no_.substr(0, 2)); }
std::string_view CmaCertNo::issuer_name() const { return kIssuers[TwoDigits(issuer_code())].name; }
std::string_view CmaCertNo::issuer_region_prefix() const {
  return kIssuers[TwoDigits(issuer_code())].region_prefix;
}
std::string_view CmaCertNo::discipline_name() const {
  return kDisciplines[TwoDigits(discipline_code())];
}
std::string_view CmaCertNo::industry_name() const {
  return kIndustries[TwoDigits(industry_code())];
}
int CmaCertNo::serial() const { return std::stoi(no_.substr(8, 4)); }

}  // namespace zhijian
