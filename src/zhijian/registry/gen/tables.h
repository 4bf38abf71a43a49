// Word lists and domain tables of the registry generator (internal; see generator.h).
//
// Names, roads, titles and equipment are ordinary Chinese words and product names; the people
// and institutions built from them are fictional. Thread-safety: immutable data.
#pragma once

#include <string_view>
#include <vector>

namespace zhijian::registry::gen {

struct EquipmentKind {
  std::string_view name;
  std::vector<std::string_view> models;
  std::string_view serial_prefix;
};

struct DomainInfo {
  std::string_view name;          // 检验检测领域 = capability 类别: "食品"
  std::string_view company_word;  // in institution names: "食品检测"
  std::string_view centre_word;   // in names of 事业单位 / national centres: "食品质量"
  std::string_view discipline;    // CMA digits 5-6
  std::string_view industry;      // CMA digits 7-8
  int weight;                     // share of institutions whose main domain this is
  std::vector<std::string_view> objects;  // 产品/对象
  std::vector<EquipmentKind> equipment;
};

const std::vector<DomainInfo>& DomainTable();
const std::vector<EquipmentKind>& CommonEquipment();
// Surnames with weights (per mille, roughly their share), and given-name characters.
struct WeightedWord {
  std::string_view word;
  int weight;
};
const std::vector<WeightedWord>& Surnames();
const std::vector<std::string_view>& GivenChars();
const std::vector<std::string_view>& TradeNameChars();  // 字号 characters
const std::vector<std::string_view>& Roads();
// Province weights for the national scale (approximate relative numbers of institutions).
const std::vector<WeightedWord>& ProvinceWeights();
const std::vector<std::string_view>& Limitations();
const std::vector<std::string_view>& Violations();

}  // namespace zhijian::registry::gen
