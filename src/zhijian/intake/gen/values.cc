#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "zhijian/intake/gen/values_internal.h"

namespace zhijian::intake::gen {
namespace {

using K = LimitKind;

// Typical limits of the standards the catalogue cites (GB 2762/2763/29921 for food, GB 5749 and
// GB 3838 for water, GB 3095/16297/12348/15618 for the environment, GB 18285/3847/38900 for
// vehicles, GB/T 1499.2, GB 175, GB 50325 for construction). Results are drawn inside [lo, hi].
const std::vector<ItemSpec>& Table() {
  static const std::vector<ItemSpec> t = {
      // 食品
      {"食品", "铅", "mg/kg", K::kMax, 0.2, 0, 0.005, 0.15, 3},
      {"食品", "镉", "mg/kg", K::kMax, 0.1, 0, 0.002, 0.08, 3},
      {"食品", "总汞", "mg/kg", K::kMax, 0.02, 0, 0.001, 0.015, 3},
      {"食品", "甲基汞", "mg/kg", K::kMax, 0.5, 0, 0.01, 0.3, 3},
      {"食品", "铬", "mg/kg", K::kMax, 1.0, 0, 0.05, 0.8, 2},
      {"食品", "砷", "mg/kg", K::kMax, 0.5, 0, 0.01, 0.3, 3},
      {"食品", "铜", "mg/kg", K::kReportOnly, 0, 0, 0.5, 8, 2},
      {"食品", "锌", "mg/kg", K::kReportOnly, 0, 0, 2, 40, 1},
      {"食品", "铁", "mg/kg", K::kReportOnly, 0, 0, 5, 60, 1},
      {"食品", "钙", "mg/100g", K::kReportOnly, 0, 0, 20, 150, 1},
      {"食品", "钾", "mg/100g", K::kReportOnly, 0, 0, 50, 300, 1},
      {"食品", "钠", "mg/100g", K::kReportOnly, 0, 0, 10, 800, 1},
      {"食品", "硒", "mg/kg", K::kReportOnly, 0, 0, 0.01, 0.2, 3},
      {"食品", "黄曲霉毒素B1", "μg/kg", K::kMax, 5.0, 0, 0.2, 4.0, 2},
      {"食品", "黄曲霉毒素M1", "μg/kg", K::kMax, 0.5, 0, 0.02, 0.3, 2},
      {"食品", "苯并(a)芘", "μg/kg", K::kMax, 5.0, 0, 0.1, 3.0, 2},
      {"食品", "赭曲霉毒素A", "μg/kg", K::kMax, 5.0, 0, 0.1, 3.0, 2},
      {"食品", "玉米赤霉烯酮", "μg/kg", K::kMax, 60, 0, 2, 40, 1},
      {"食品", "脱氧雪腐镰刀菌烯醇", "μg/kg", K::kMax, 1000, 0, 20, 600, 0},
      {"食品", "苯甲酸", "g/kg", K::kMax, 1.0, 0, 0.01, 0.6, 2},
      {"食品", "山梨酸", "g/kg", K::kMax, 0.5, 0, 0.01, 0.3, 2},
      {"食品", "糖精钠", "g/kg", K::kMax, 0.15, 0, 0.005, 0.1, 3},
      {"食品", "脱氢乙酸", "g/kg", K::kMax, 0.5, 0, 0.01, 0.3, 2},
      {"食品", "亚硝酸盐", "mg/kg", K::kMax, 3.0, 0, 0.2, 2.5, 1},
      {"食品", "水分", "g/100g", K::kMax, 14.5, 0, 10.5, 14.0, 1},
      {"食品", "灰分", "g/100g", K::kMax, 1.0, 0, 0.3, 0.8, 2},
      {"食品", "蛋白质", "g/100g", K::kMin, 2.9, 0, 3.0, 3.6, 2},
      {"食品", "脂肪", "g/100g", K::kMin, 3.1, 0, 3.2, 4.2, 2},
      {"食品", "菌落总数", "CFU/g", K::kMax, 10000, 0, 10, 5000, 0, "", "", 2},
      {"食品", "大肠菌群", "CFU/g", K::kMax, 10, 0, 1, 9, 0, "", "", 2},
      {"食品", "霉菌", "CFU/g", K::kMax, 50, 0, 1, 40, 0, "", "", 5},
      {"食品", "酵母", "CFU/g", K::kMax, 50, 0, 1, 40, 0, "", "", 5},
      {"食品", "金黄色葡萄球菌", "/", K::kNotDetected, 0, 0, 0, 0, 0, "", "", 2},
      {"食品", "单核细胞增生李斯特氏菌", "/", K::kNotDetected, 0, 0, 0, 0, 0, "", "", 3},
      {"食品", "大肠埃希氏菌", "CFU/g", K::kMax, 100, 0, 1, 80, 0, "", "", 2},
      {"食品", "氯霉素", "μg/kg", K::kNotDetected, 0, 0, 0, 0, 0},
      {"食品", "土霉素", "μg/kg", K::kMax, 100, 0, 2, 60, 1},
      {"食品", "四环素", "μg/kg", K::kMax, 100, 0, 2, 60, 1},
      {"食品", "金霉素", "μg/kg", K::kMax, 100, 0, 2, 60, 1},
      {"食品", "毒死蜱", "mg/kg", K::kMax, 0.05, 0, 0.002, 0.03, 3},
      {"食品", "氯氰菊酯", "mg/kg", K::kMax, 0.5, 0, 0.005, 0.2, 3},
      {"食品", "多菌灵", "mg/kg", K::kMax, 0.5, 0, 0.005, 0.2, 3},
      {"食品", "氧乐果", "mg/kg", K::kMax, 0.02, 0, 0.001, 0.01, 3},
      {"食品", "克百威", "mg/kg", K::kMax, 0.02, 0, 0.001, 0.01, 3},
      {"食品", "甲拌磷", "mg/kg", K::kMax, 0.01, 0, 0.001, 0.008, 3},
      {"食品", "敌敌畏", "mg/kg", K::kMax, 0.2, 0, 0.005, 0.1, 3},
      {"食品", "乐果", "mg/kg", K::kMax, 0.01, 0, 0.001, 0.008, 3},
      {"食品", "啶虫脒", "mg/kg", K::kMax, 0.5, 0, 0.005, 0.3, 3},
      {"食品", "吡虫啉", "mg/kg", K::kMax, 0.5, 0, 0.005, 0.3, 3},
      {"食品", "pH值", "/", K::kReportOnly, 0, 0, 3.5, 7.0, 1},
      // 水质
      {"水质", "铅", "mg/L", K::kMax, 0.01, 0, 0.0005, 0.008, 4},
      {"水质", "砷", "mg/L", K::kMax, 0.01, 0, 0.0005, 0.008, 4},
      {"水质", "镉", "mg/L", K::kMax, 0.005, 0, 0.0001, 0.004, 4},
      {"水质", "汞", "mg/L", K::kMax, 0.001, 0, 0.0001, 0.0008, 4},
      {"水质", "总汞", "mg/L", K::kMax, 0.001, 0, 0.0001, 0.0008, 4},
      {"水质", "硒", "mg/L", K::kMax, 0.01, 0, 0.0005, 0.008, 4},
      {"水质", "铬(六价)", "mg/L", K::kMax, 0.05, 0, 0.004, 0.04, 3},
      {"水质", "铝", "mg/L", K::kMax, 0.2, 0, 0.01, 0.15, 3},
      {"水质", "铁", "mg/L", K::kMax, 0.3, 0, 0.01, 0.2, 3},
      {"水质", "锰", "mg/L", K::kMax, 0.1, 0, 0.005, 0.08, 3},
      {"水质", "铜", "mg/L", K::kMax, 1.0, 0, 0.01, 0.5, 3},
      {"水质", "锌", "mg/L", K::kMax, 1.0, 0, 0.01, 0.5, 3},
      {"水质", "菌落总数", "CFU/mL", K::kMax, 100, 0, 1, 60, 0, "", "", 2},
      {"水质", "总大肠菌群", "MPN/100mL", K::kNotDetected, 0, 0, 0, 0, 0, "", "", 1},
      {"水质", "耐热大肠菌群", "MPN/100mL", K::kNotDetected, 0, 0, 0, 0, 0, "", "", 1},
      {"水质", "大肠埃希氏菌", "MPN/100mL", K::kNotDetected, 0, 0, 0, 0, 0, "", "", 1},
      {"水质", "粪大肠菌群", "MPN/L", K::kMax, 2000, 0, 20, 1500, 0, "", "", 1},
      {"水质", "pH值", "无量纲", K::kRange, 6.5, 8.5, 6.9, 8.2, 1},
      {"水质", "浑浊度", "NTU", K::kMax, 1, 0, 0.1, 0.8, 2},
      {"水质", "色度", "度", K::kMax, 15, 0, 2, 10, 0},
      {"水质", "臭和味", "/", K::kQualitative, 0, 0, 0, 0, 0, "无异臭、异味"},
      {"水质", "肉眼可见物", "/", K::kQualitative, 0, 0, 0, 0, 0, "无"},
      {"水质", "总硬度", "mg/L", K::kMax, 450, 0, 80, 380, 0},
      {"水质", "溶解性总固体", "mg/L", K::kMax, 1000, 0, 150, 800, 0},
      {"水质", "电导率", "μS/cm", K::kReportOnly, 0, 0, 150, 900, 0},
      {"水质", "氨氮", "mg/L", K::kMax, 0.5, 0, 0.02, 0.4, 2},
      {"水质", "硝酸盐氮", "mg/L", K::kMax, 10, 0, 0.5, 8, 2},
      {"水质", "氟化物", "mg/L", K::kMax, 1.0, 0, 0.05, 0.8, 2},
      {"水质", "氯化物", "mg/L", K::kMax, 250, 0, 10, 200, 1},
      {"水质", "硫酸盐", "mg/L", K::kMax, 250, 0, 10, 200, 1},
      {"水质", "氰化物", "mg/L", K::kMax, 0.05, 0, 0.002, 0.03, 3},
      {"水质", "耗氧量", "mg/L", K::kMax, 3, 0, 0.5, 2.5, 2},
      {"水质", "化学需氧量", "mg/L", K::kMax, 20, 0, 5, 18, 0},
      {"水质", "五日生化需氧量", "mg/L", K::kMax, 4, 0, 0.5, 3.5, 1, "", "", 5},
      {"水质", "生化需氧量", "mg/L", K::kMax, 4, 0, 0.5, 3.5, 1, "", "", 5},
      {"水质", "总磷", "mg/L", K::kMax, 0.2, 0, 0.01, 0.15, 2},
      {"水质", "总氮", "mg/L", K::kMax, 1.0, 0, 0.1, 0.9, 2},
      {"水质", "悬浮物", "mg/L", K::kMax, 70, 0, 5, 50, 0},
      {"水质", "石油类", "mg/L", K::kMax, 0.05, 0, 0.01, 0.04, 2},
      {"水质", "挥发酚", "mg/L", K::kMax, 0.005, 0, 0.0003, 0.004, 4},
      {"水质", "挥发酚类", "mg/L", K::kMax, 0.002, 0, 0.0003, 0.0015, 4},
      {"水质", "游离氯", "mg/L", K::kMin, 0.05, 0, 0.1, 0.8, 2},
      {"水质", "总氯", "mg/L", K::kMin, 0.05, 0, 0.1, 0.9, 2},
      // 生态环境
      {"生态环境", "二氧化硫", "mg/m³", K::kMax, 0.15, 0, 0.005, 0.1, 3},
      {"生态环境", "二氧化氮", "mg/m³", K::kMax, 0.08, 0, 0.005, 0.06, 3},
      {"生态环境", "氮氧化物", "mg/m³", K::kMax, 240, 0, 20, 180, 0},
      {"生态环境", "PM10", "μg/m³", K::kMax, 150, 0, 20, 120, 0},
      {"生态环境", "PM2.5", "μg/m³", K::kMax, 75, 0, 10, 60, 0},
      {"生态环境", "臭氧", "μg/m³", K::kMax, 200, 0, 30, 160, 0},
      {"生态环境", "颗粒物", "mg/m³", K::kMax, 20, 0, 1.5, 15, 1},
      {"生态环境", "低浓度颗粒物", "mg/m³", K::kMax, 10, 0, 1.0, 8, 1},
      {"生态环境", "总悬浮颗粒物", "mg/m³", K::kMax, 0.3, 0, 0.05, 0.25, 3},
      {"生态环境", "非甲烷总烃", "mg/m³", K::kMax, 4.0, 0, 0.3, 3.0, 2},
      {"生态环境", "总烃", "mg/m³", K::kReportOnly, 0, 0, 1.5, 4.0, 2},
      {"生态环境", "甲烷", "mg/m³", K::kReportOnly, 0, 0, 1.0, 2.5, 2},
      {"生态环境", "苯", "mg/m³", K::kMax, 0.4, 0, 0.005, 0.2, 3},
      {"生态环境", "甲苯", "mg/m³", K::kMax, 2.4, 0, 0.01, 1.0, 3},
      {"生态环境", "二甲苯", "mg/m³", K::kMax, 1.2, 0, 0.01, 0.8, 3},
      {"生态环境", "环境噪声", "dB(A)", K::kMax, 60, 0, 45, 58, 1},
      {"生态环境", "厂界环境噪声", "dB(A)", K::kMax, 65, 0, 48, 62, 1},
      {"生态环境", "社会生活环境噪声", "dB(A)", K::kMax, 55, 0, 42, 53, 1},
      {"生态环境", "建筑施工场界噪声", "dB(A)", K::kMax, 70, 0, 52, 68, 1},
      {"生态环境", "铅", "mg/kg", K::kMax, 170, 0, 10, 90, 1},
      {"生态环境", "镉", "mg/kg", K::kMax, 0.3, 0, 0.02, 0.25, 3},
      {"生态环境", "铜", "mg/kg", K::kMax, 100, 0, 8, 60, 1},
      {"生态环境", "锌", "mg/kg", K::kMax, 250, 0, 30, 180, 1},
      {"生态环境", "镍", "mg/kg", K::kMax, 100, 0, 10, 60, 1},
      {"生态环境", "铬", "mg/kg", K::kMax, 200, 0, 20, 120, 1},
      {"生态环境", "汞", "mg/kg", K::kMax, 2.4, 0, 0.01, 0.5, 3},
      {"生态环境", "砷", "mg/kg", K::kMax, 30, 0, 2, 20, 2},
      {"生态环境", "pH值", "无量纲", K::kReportOnly, 0, 0, 5.5, 8.5, 2},
      // 机动车 (GB 18285-2018 limit a, GB 3847-2018, GB 38900-2020)
      {"机动车", "一氧化碳", "%", K::kMax, 0.30, 0, 0.01, 0.25, 2, "", "高怠速"},
      {"机动车", "一氧化碳", "%", K::kMax, 0.60, 0, 0.02, 0.50, 2, "", "怠速"},
      {"机动车", "碳氢化合物", "μmol/mol", K::kMax, 50, 0, 5, 45, 0, "", "高怠速"},
      {"机动车", "碳氢化合物", "μmol/mol", K::kMax, 80, 0, 8, 70, 0, "", "怠速"},
      {"机动车", "过量空气系数", "/", K::kRange, 0.95, 1.05, 0.97, 1.03, 2, "", "高怠速"},
      {"机动车", "氮氧化物", "μmol/mol", K::kMax, 700, 0, 50, 600, 0, "", "加载减速"},
      {"机动车", "光吸收系数", "m-1", K::kMax, 1.2, 0, 0.05, 0.9, 2, "", "自由加速"},
      {"机动车", "林格曼黑度", "级", K::kMax, 1, 0, 0, 0, 0, "", "自由加速"},
      {"机动车", "行车制动", "%", K::kMin, 60, 0, 62, 85, 1, "", "整车制动率"},
      {"机动车", "驻车制动", "%", K::kMin, 20, 0, 21, 35, 1, "", "驻车制动率"},
      {"机动车", "制动", "%", K::kMin, 60, 0, 62, 85, 1, "", "整车制动率"},
      {"机动车", "前照灯远光发光强度", "cd", K::kMin, 15000, 0, 16000, 32000, 0, "", "左灯"},
      {"机动车", "前照灯远光发光强度", "cd", K::kMin, 15000, 0, 16000, 32000, 0, "", "右灯"},
      {"机动车", "前照灯", "cd", K::kMin, 15000, 0, 16000, 32000, 0, "", "远光"},
      {"机动车", "车速表", "km/h", K::kRange, 32.8, 40.0, 34.0, 39.5, 1, "", "40km/h"},
      // 建设工程
      {"建设工程", "抗压强度", "MPa", K::kMin, 30.0, 0, 31.0, 42.0, 1},
      {"建设工程", "回弹法混凝土抗压强度", "MPa", K::kMin, 30.0, 0, 31.0, 42.0, 1},
      {"建设工程", "混凝土抗压强度", "MPa", K::kMin, 30.0, 0, 31.0, 42.0, 1},
      {"建设工程", "混凝土强度", "MPa", K::kMin, 30.0, 0, 31.0, 42.0, 1},
      {"建设工程", "轴心抗压强度", "MPa", K::kMin, 20.1, 0, 21.0, 30.0, 1},
      {"建设工程", "劈裂抗拉强度", "MPa", K::kMin, 2.0, 0, 2.1, 3.2, 2},
      {"建设工程", "抗折强度", "MPa", K::kMin, 4.5, 0, 4.6, 6.5, 1},
      {"建设工程", "砂浆强度", "MPa", K::kMin, 10.0, 0, 10.5, 15.0, 1},
      {"建设工程", "贯入法砂浆抗压强度", "MPa", K::kMin, 10.0, 0, 10.5, 15.0, 1},
      {"建设工程", "屈服强度", "MPa", K::kMin, 400, 0, 420, 520, 0},
      {"建设工程", "下屈服强度", "MPa", K::kMin, 400, 0, 420, 520, 0},
      {"建设工程", "上屈服强度", "MPa", K::kMin, 400, 0, 425, 530, 0},
      {"建设工程", "抗拉强度", "MPa", K::kMin, 540, 0, 560, 660, 0},
      {"建设工程", "断后伸长率", "%", K::kMin, 16, 0, 18, 28, 1},
      {"建设工程", "弯曲性能", "/", K::kQualitative, 0, 0, 0, 0, 0, "无裂纹"},
      {"建设工程", "反向弯曲", "/", K::kQualitative, 0, 0, 0, 0, 0, "无裂纹"},
      {"建设工程", "重量偏差", "%", K::kRange, -5.0, 5.0, -4.0, 3.0, 1},
      {"建设工程", "坍落度", "mm", K::kRange, 150, 210, 160, 200, 0},
      {"建设工程", "扩展度", "mm", K::kMin, 500, 0, 510, 620, 0},
      {"建设工程", "含泥量", "%", K::kMax, 3.0, 0, 0.5, 2.5, 1},
      {"建设工程", "泥块含量", "%", K::kMax, 1.0, 0, 0.1, 0.8, 1},
      {"建设工程", "压碎值指标", "%", K::kMax, 20, 0, 8, 16, 0},
      {"建设工程", "压碎指标", "%", K::kMax, 20, 0, 8, 16, 0},
      {"建设工程", "针片状颗粒含量", "%", K::kMax, 15, 0, 3, 12, 0},
      {"建设工程", "细度", "%", K::kMax, 10, 0, 1.0, 8.0, 1},
      {"建设工程", "凝结时间", "min", K::kMin, 45, 0, 120, 240, 0},
      {"建设工程", "安定性", "/", K::kQualitative, 0, 0, 0, 0, 0, "合格"},
      {"建设工程", "胶砂强度", "MPa", K::kMin, 42.5, 0, 43.0, 52.0, 1},
      {"建设工程", "标准稠度用水量", "%", K::kReportOnly, 0, 0, 25.0, 29.0, 1},
      {"建设工程", "甲醛", "mg/m³", K::kMax, 0.07, 0, 0.01, 0.06, 2},
      {"建设工程", "苯", "mg/m³", K::kMax, 0.06, 0, 0.005, 0.05, 3},
      {"建设工程", "甲苯", "mg/m³", K::kMax, 0.15, 0, 0.01, 0.12, 2},
      {"建设工程", "二甲苯", "mg/m³", K::kMax, 0.20, 0, 0.01, 0.15, 2},
      {"建设工程", "氨", "mg/m³", K::kMax, 0.15, 0, 0.02, 0.12, 2},
      {"建设工程", "TVOC", "mg/m³", K::kMax, 0.45, 0, 0.05, 0.40, 2},
      {"建设工程", "氡", "Bq/m³", K::kMax, 150, 0, 20, 120, 0},
      {"建设工程", "保护层厚度", "mm", K::kRange, 20, 30, 21, 29, 0},
      {"建设工程", "钢筋保护层厚度", "mm", K::kRange, 20, 30, 21, 29, 0},
      // 公共卫生
      {"公共卫生", "甲醛", "mg/m³", K::kMax, 0.10, 0, 0.01, 0.08, 2},
      {"公共卫生", "二氧化碳", "%", K::kMax, 0.15, 0, 0.04, 0.12, 2},
      {"公共卫生", "一氧化碳", "mg/m³", K::kMax, 10, 0, 0.5, 6, 1},
      {"公共卫生", "可吸入颗粒物", "mg/m³", K::kMax, 0.15, 0, 0.02, 0.12, 3},
      {"公共卫生", "细菌总数", "CFU/m³", K::kMax, 1500, 0, 100, 1200, 0, "", "", 2},
      {"公共卫生", "温度", "℃", K::kRange, 16, 28, 18, 26, 1},
      {"公共卫生", "相对湿度", "%", K::kRange, 40, 80, 42, 75, 0},
      {"公共卫生", "噪声", "dB(A)", K::kMax, 55, 0, 40, 52, 1},
      // 纺织服装
      {"纺织服装", "甲醛含量", "mg/kg", K::kMax, 75, 0, 5, 60, 0},
      {"纺织服装", "pH值", "/", K::kRange, 4.0, 8.5, 5.0, 7.5, 1},
      {"纺织服装", "异味", "/", K::kQualitative, 0, 0, 0, 0, 0, "无"},
      // 农业
      {"农业", "有机质", "%", K::kMin, 30, 0, 32, 45, 1},
      {"农业", "总养分", "%", K::kMin, 4.0, 0, 4.2, 6.0, 1},
      {"农业", "水分", "%", K::kMax, 30, 0, 12, 28, 1},
  };
  return t;
}

ItemSpec Fallback(std::string_view domain, std::string_view item) {
  ItemSpec s{domain, item, "/", K::kQualitative, 0, 0, 0, 0, 0, "符合"};
  if (domain == "食品" || domain == "农业")
    return {domain, item, "mg/kg", K::kMax, 1.0, 0, 0.02, 0.6, 2};
  if (domain == "水质") return {domain, item, "mg/L", K::kMax, 0.5, 0, 0.01, 0.3, 3};
  if (domain == "生态环境" || domain == "公共卫生") {
    return {domain, item, "mg/m³", K::kMax, 1.0, 0, 0.02, 0.6, 2};
  }
  if (domain == "建设工程") return {domain, item, "MPa", K::kMin, 20.0, 0, 21.0, 30.0, 1};
  return s;
}

}  // namespace

std::vector<ItemSpec> SpecsOf(std::string_view domain, std::string_view item) {
  std::vector<ItemSpec> out;
  for (const ItemSpec& s : Table()) {
    if (s.domain == domain && s.item == item) out.push_back(s);
  }
  if (out.empty()) {
    for (const ItemSpec& s : Table()) {
      if (s.item == item) {
        ItemSpec c = s;
        c.parameter = "";
        out.push_back(c);
        break;
      }
    }
  }
  if (out.empty()) {
    ItemSpec f = Fallback(domain, item);
    if (domain == "机动车") f.parameter = "";
    out.push_back(f);
  }
  return out;
}

std::string FormatFixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s.rfind("-0.", 0) == 0) {
    bool zero = true;
    for (char c : s) zero &= (c == '-' || c == '0' || c == '.');
    if (zero) s = s.substr(1);
  }
  return s;
}

Value MakeValue(const ItemSpec& spec, Rng& rng, bool fail, std::string_view pass_word,
                std::string_view fail_word) {
  Value v;
  v.unit = std::string(spec.unit);
  v.pass = !fail;
  v.verdict = std::string(fail ? fail_word : pass_word);
  auto draw = [&](double lo, double hi) {
    return FormatFixed(lo + (hi - lo) * rng.Unit(), spec.decimals);
  };
  // A limit printed with `decimals`, or more where fewer would change it (0.15 is not "0.1"):
  // the printed limit is the one results are judged against.
  auto limit_text = [](double a, int decimals) {
    std::string t = FormatFixed(a, decimals);
    while (decimals < 6 && std::fabs(std::strtod(t.c_str(), nullptr) - a) > 1e-9) {
      t = FormatFixed(a, ++decimals);
    }
    return t;
  };
  switch (spec.kind) {
    case K::kMax:
      v.limit = "≤" + limit_text(spec.a, spec.decimals == 0 ? 0 : std::max(spec.decimals - 1, 1));
      if (spec.a >= 100 && spec.decimals == 0) v.limit = "≤" + FormatFixed(spec.a, 0);
      if (fail) {
        v.result = draw(spec.a * 1.3, spec.a * 3.0);
      } else if (rng.Chance(0.15) && spec.lo < spec.a * 0.2) {
        v.result = "未检出";
      } else {
        v.result = draw(spec.lo, spec.hi);
      }
      break;
    case K::kMin:
      v.limit = "≥" + limit_text(spec.a, spec.decimals == 0 ? 0 : 1);
      v.result = fail ? draw(spec.a * 0.6, spec.a * 0.9) : draw(spec.lo, spec.hi);
      break;
    case K::kRange:
      v.limit = FormatFixed(spec.a, spec.decimals) + "~" + FormatFixed(spec.b, spec.decimals);
      if (fail) {
        const double w = spec.b - spec.a;
        v.result = rng.Chance(0.5) ? draw(spec.b + 0.1 * w, spec.b + 0.4 * w)
                                   : draw(spec.a - 0.4 * w, spec.a - 0.1 * w);
      } else {
        v.result = draw(spec.lo, spec.hi);
      }
      break;
    case K::kNotDetected:
      v.limit = "不得检出";
      v.result = fail ? FormatFixed(static_cast<double>(rng.Range(2, 90)), 0) : "未检出";
      break;
    case K::kReportOnly:
      v.limit = "/";
      v.result = draw(spec.lo, spec.hi);
      v.verdict = "/";
      v.pass = true;
      break;
    case K::kQualitative: {
      v.limit = "/";
      const std::string words(spec.words);
      v.result = words;
      if (fail) {
        v.result = words.rfind("无", 0) == 0 ? "有" + words.substr(std::string("无").size())
                                             : "不" + words;
      }
      break;
    }
  }
  return v;
}

namespace {

struct ObjectSamples {
  std::string_view object;
  std::vector<std::string_view> names;
  std::vector<std::string_view> models;
};

const std::vector<ObjectSamples>& SampleTable() {
  static const std::vector<ObjectSamples> t = {
      {"粮食及粮食制品", {"大米", "小麦粉", "挂面", "玉米粉"}, {"5kg/袋", "2.5kg/袋", "500g/袋"}},
      {"食用油、油脂及其制品", {"大豆油", "花生油", "菜籽油"}, {"5L/桶", "1.8L/瓶"}},
      {"调味品", {"酱油", "食醋", "味精", "鸡精调味料"}, {"500mL/瓶", "400g/袋"}},
      {"肉及肉制品", {"猪肉", "火腿肠", "酱卤牛肉"}, {"散装", "240g/袋"}},
      {"乳及乳制品", {"纯牛奶", "酸奶", "调制乳粉"}, {"250mL/盒", "200g/杯", "400g/罐"}},
      {"饮料", {"饮用纯净水", "果汁饮料", "茶饮料"}, {"550mL/瓶", "500mL/瓶"}},
      {"酒类", {"白酒", "啤酒", "黄酒"}, {"500mL/瓶", "330mL/罐"}},
      {"蔬菜及其制品", {"芹菜", "韭菜", "菠菜", "豇豆"}, {"散装"}},
      {"水果及其制品", {"苹果", "柑橘", "梨"}, {"散装"}},
      {"水产及水产制品", {"草鱼", "鲈鱼", "对虾"}, {"散装"}},
      {"蛋及蛋制品", {"鸡蛋", "鸭蛋"}, {"散装"}},
      {"茶叶及相关制品", {"绿茶", "红茶"}, {"250g/盒"}},
      {"糕点", {"月饼", "蛋糕", "面包"}, {"散装", "500g/盒"}},
      {"饼干", {"苏打饼干", "夹心饼干"}, {"400g/袋"}},
      {"速冻食品", {"速冻水饺", "速冻汤圆"}, {"1kg/袋", "500g/袋"}},
      {"罐头", {"黄桃罐头", "午餐肉罐头"}, {"425g/罐"}},
      {"豆制品", {"豆腐", "腐竹"}, {"散装", "250g/袋"}},
      {"蜂产品", {"蜂蜜"}, {"500g/瓶"}},
      {"生活饮用水", {"生活饮用水(末梢水)", "生活饮用水(出厂水)"}, {"/"}},
      {"二次供水", {"二次供水(水箱水)"}, {"/"}},
      {"污水", {"废水(总排口)"}, {"/"}},
      {"工业废水", {"工业废水(总排口)"}, {"/"}},
      {"有组织废气", {"有组织废气(1#排气筒)", "有组织废气(2#排气筒)"}, {"/"}},
      {"无组织废气", {"无组织废气(厂界)"}, {"/"}},
      {"土壤", {"土壤(S1点位)", "土壤(S2点位)"}, {"/"}},
      {"环境噪声", {"厂界环境噪声"}, {"/"}},
      {"室内空气", {"室内空气"}, {"/"}},
      {"混凝土", {"混凝土试块"}, {"C30", "C35", "C40"}},
      {"钢筋", {"热轧带肋钢筋"}, {"HRB400E 20mm", "HRB400E 16mm", "HRB400 25mm"}},
      {"水泥", {"普通硅酸盐水泥"}, {"P·O 42.5"}},
      {"砂", {"天然砂", "机制砂"}, {"中砂"}},
      {"石", {"碎石"}, {"5~25mm", "5~31.5mm"}},
      {"砂浆", {"砌筑砂浆", "抹灰砂浆"}, {"M10", "M7.5"}},
      {"混凝土结构", {"混凝土结构构件"}, {"C30"}},
      {"室内环境", {"室内空气"}, {"/"}},
      {"载客汽车", {"小型普通客车", "中型普通客车"}, {}},
      {"载货汽车", {"轻型普通货车", "重型厢式货车"}, {}},
      {"汽油车", {"小型轿车", "小型普通客车"}, {}},
      {"柴油车", {"重型半挂牵引车", "中型普通货车"}, {}},
      {"摩托车", {"普通二轮摩托车"}, {}},
      {"挂车", {"重型仓栅式半挂车"}, {}},
  };
  return t;
}

const std::vector<std::string_view>& VehicleModels() {
  static const std::vector<std::string_view> v = {"大众汽车牌FV7152FBDBG", "东风日产牌DFL7160VBL2",
                                                  "福田牌BJ1032V5JV5-51",  "解放牌CA4250P66K24T1E5",
                                                  "五菱牌LZW6450PF",       "长安牌SC7164AAA6",
                                                  "吉利牌MR7153A03",       "重汽牌ZZ4257V324HE1B"};
  return v;
}

std::string TradeName(Rng& rng) {
  static const std::vector<std::string_view> chars = {
      "鑫", "华", "源", "泰", "盛", "丰", "利", "达", "恒", "瑞", "祥", "宏", "顺", "兴",
      "德", "康", "明", "嘉", "运", "通", "益", "金", "海", "天", "安", "和", "诚", "昌"};
  std::string a(rng.Pick(chars)), b(rng.Pick(chars));
  while (b == a) b = std::string(rng.Pick(chars));
  return a + b;
}

}  // namespace

Sample MakeSample(std::string_view domain, std::string_view object, Rng& rng,
                  const std::string& production_date) {
  Sample s;
  s.name = std::string(object);
  for (const ObjectSamples& o : SampleTable()) {
    if (o.object != object) continue;
    s.name = std::string(rng.Pick(o.names));
    if (!o.models.empty()) s.model = std::string(rng.Pick(o.models));
    break;
  }
  if (s.model == "/") s.model.clear();
  if (domain == "食品" || domain == "农业") {
    s.batch = rng.Chance(0.5) ? production_date
                              : production_date.substr(0, 4) + production_date.substr(5, 2) +
                                    production_date.substr(8, 2);
  } else if (domain == "机动车") {
    s.model = std::string(rng.Pick(VehicleModels()));
    s.batch = MakeVin(rng);
  } else if (domain == "建设工程") {
    static const std::vector<std::string_view> prefixes = {"24A", "24B", "25C", "G24", "K25"};
    s.batch = std::string(rng.Pick(prefixes)) +
              FormatFixed(static_cast<double>(rng.Range(1000, 9999)), 0);
  }
  return s;
}

std::string MakeClient(std::string_view domain, std::string_view city, Rng& rng) {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> words = {
      {"食品", {"食品", "粮油", "乳业", "饮品", "调味品"}},
      {"水质", {"自来水", "供水", "水务", "环保科技"}},
      {"生态环境", {"化工", "热电", "建材", "机械制造"}},
      {"建设工程", {"建筑工程", "建设集团", "路桥工程", "城建"}},
      {"机动车", {"物流", "运输", "汽车租赁", "客运"}},
  };
  std::string_view industry = "科技";
  for (const auto& [d, w] : words) {
    if (d == domain) industry = rng.Pick(w);
  }
  return std::string(city) + TradeName(rng) + std::string(industry) + "有限公司";
}

std::string MakeProject(std::string_view city, Rng& rng) {
  static const std::vector<std::string_view> kinds = {"花园", "家园", "小区", "商务中心", "学校"};
  return std::string(city) + TradeName(rng) + std::string(rng.Pick(kinds)) +
         FormatFixed(static_cast<double>(rng.Range(1, 12)), 0) + "#楼";
}

std::string MakePlate(std::string_view region_code, Rng& rng) {
  static const std::vector<std::pair<std::string_view, std::string_view>> abbrev = {
      {"11", "京"}, {"12", "津"}, {"13", "冀"}, {"14", "晋"}, {"15", "蒙"}, {"21", "辽"},
      {"22", "吉"}, {"23", "黑"}, {"31", "沪"}, {"32", "苏"}, {"33", "浙"}, {"34", "皖"},
      {"35", "闽"}, {"36", "赣"}, {"37", "鲁"}, {"41", "豫"}, {"42", "鄂"}, {"43", "湘"},
      {"44", "粤"}, {"45", "桂"}, {"46", "琼"}, {"50", "渝"}, {"51", "川"}, {"52", "贵"},
      {"53", "云"}, {"54", "藏"}, {"61", "陕"}, {"62", "甘"}, {"63", "青"}, {"64", "宁"},
      {"65", "新"}};
  std::string p = "鲁";
  for (const auto& [code, a] : abbrev) {
    if (region_code.substr(0, 2) == code) p = std::string(a);
  }
  static const std::string_view letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static const std::string_view chars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  p += letters[rng.Below(letters.size())];
  for (int i = 0; i < 5; ++i) p += i < 2 ? chars[rng.Below(chars.size())] : chars[rng.Below(10)];
  return p;
}

std::string MakeVin(Rng& rng) {
  static const std::vector<std::string_view> wmi = {"LFV", "LGB", "LZW", "LSG", "LVS", "LGW"};
  static const std::string_view chars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";  // no I, O, Q
  std::string v(rng.Pick(wmi));
  while (v.size() < 17) v += chars[rng.Below(chars.size())];
  return v;
}

std::string MakePhone(Rng& rng) {
  static const std::vector<std::string_view> areas = {"0531", "0532", "0533", "0535", "0536",
                                                      "0537", "0538", "0539", "0633", "0635"};
  std::string p(rng.Pick(areas));
  p += "-8";
  for (int i = 0; i < 7; ++i) p += static_cast<char>('0' + rng.Below(10));
  return p;
}

std::string CityOf(std::string_view address) {
  const size_t city = address.find("市");
  if (city == std::string_view::npos) return "";
  size_t start = 0;
  const size_t prov = address.find("省");
  if (prov != std::string_view::npos && prov < city) start = prov + std::string_view("省").size();
  const size_t reg = address.find("自治区");
  if (reg != std::string_view::npos && reg < city) start = reg + std::string_view("自治区").size();
  return std::string(address.substr(start, city + std::string_view("市").size() - start));
}

}  // namespace zhijian::intake::gen
