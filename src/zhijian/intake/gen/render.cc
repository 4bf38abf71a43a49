// Drawing the three report layouts (report_gen.h) with pango + cairo.
#include <pango/pangocairo.h>

#include <cmath>
#include <functional>
#include <memory>

#include "zhijian/base/date.h"
#include "zhijian/intake/gen/render_internal.h"

namespace zhijian::intake::gen {
namespace {

constexpr double kLeft = 56;
constexpr double kRight = kPageWidth - 56;
constexpr double kWidth = kRight - kLeft;
constexpr double kBottom = kPageHeight - 84;  // content ends above the footer

struct Style {
  double size = 10.5;
  bool bold = false;
  bool serif = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

Style S(double size, bool bold = false, bool serif = false,
        PangoAlignment align = PANGO_ALIGN_LEFT) {
  return Style{size, bold, serif, align};
}

std::string FormatDate(const std::string& iso, int style) {
  if (iso.empty()) return "/";
  const auto d = ParseIsoDate(iso);
  if (!d) return iso;
  char buf[64];
  switch (style) {
    case 0:
      std::snprintf(buf, sizeof buf, "%04d年%02d月%02d日", d->year, d->month, d->day);
      break;
    case 2:
      std::snprintf(buf, sizeof buf, "%04d.%02d.%02d", d->year, d->month, d->day);
      break;
    case 3:
      std::snprintf(buf, sizeof buf, "%d年%d月%d日", d->year, d->month, d->day);
      break;
    default:
      return iso;
  }
  return buf;
}

std::string DateRange(const std::string& a, const std::string& b, int style) {
  if (a == b) return FormatDate(a, style);
  const char* sep = style == 2 ? "-" : style == 1 ? " 至 " : "至";
  return FormatDate(a, style) + sep + FormatDate(b, style);
}

std::string OrSlash(const std::string& s) { return s.empty() ? "/" : s; }

class Doc {
 public:
  Doc(const PlannedReport& r, PageSink* sink, int total) : r_(r), sink_(sink), total_(total) {}
  ~Doc() { DropLayout(); }

  Result<void> NewPage() {
    if (cr_) ZJ_TRY(EndPage());
    cr_ = sink_->Begin();
    if (!cr_) return Error::Internal("gen.render", "no page");
    ++page_;
    layout_ = pango_cairo_create_layout(cr_);
    PangoContext* ctx = pango_layout_get_context(layout_);
    pango_cairo_context_set_resolution(ctx, 72);
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(layout_);
    y = 50;
    return Ok();
  }

  Result<int> Finish() {
    if (cr_) ZJ_TRY(EndPage());
    return page_;
  }

  int page() const { return page_; }

  // Draws `s` with its top-left corner at (x, y0); `w` > 0 wraps at that width (and aligns in
  // it). Returns the height.
  double Text(double x, double y0, double w, const std::string& s, const Style& st,
              bool as_path = false) {
    Set(w, s, st);
    cairo_move_to(cr_, x, y0);
    if (as_path) {
      pango_cairo_layout_path(cr_, layout_);
      cairo_fill(cr_);
    } else {
      pango_cairo_show_layout(cr_, layout_);
    }
    return Extent().second;
  }
  double Height(double w, const std::string& s, const Style& st) {
    Set(w, s, st);
    return Extent().second;
  }
  double Width(const std::string& s, const Style& st) {
    Set(-1, s, st);
    return Extent().first;
  }

  void Rule(double x0, double y0, double x1, double line_width) {
    cairo_set_line_width(cr_, line_width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y0);
    cairo_stroke(cr_);
  }
  void VRule(double x, double y0, double y1, double line_width) {
    cairo_set_line_width(cr_, line_width);
    cairo_move_to(cr_, x, y0);
    cairo_line_to(cr_, x, y1);
    cairo_stroke(cr_);
  }

  // The CMA mark: the letters in an oval, the certificate number under it.
  void Mark(double x, double y0) {
    cairo_save(cr_);
    cairo_set_source_rgb(cr_, 0.08, 0.12, 0.45);
    cairo_new_path(cr_);
    cairo_save(cr_);
    cairo_translate(cr_, x + 40, y0 + 19);
    cairo_scale(cr_, 40, 20);
    cairo_arc(cr_, 0, 0, 1, 0, 2 * M_PI);
    cairo_restore(cr_);
    cairo_set_line_width(cr_, 1.8);
    cairo_stroke(cr_);
    cairo_save(cr_);
    cairo_translate(cr_, x + 40, y0 + 19);
    cairo_scale(cr_, 36, 18);
    cairo_arc(cr_, 0, 0, 1, 1.15 * M_PI, 1.85 * M_PI);
    cairo_restore(cr_);
    cairo_set_line_width(cr_, 0.8);
    cairo_stroke(cr_);
    cairo_new_path(cr_);
    Text(x + 2, y0 + 5, 76, "CMA", S(23, true, false, PANGO_ALIGN_CENTER));
    Text(x - 10, y0 + 47, 100, r_.facts.report.certificate,
         S(8.5, false, false, PANGO_ALIGN_CENTER));
    cairo_restore(cr_);
  }

  // The institution's seal (检验检测专用章), drawn as paths: no text in the PDF's text layer.
  void Seal(double cx, double cy) {
    cairo_save(cr_);
    cairo_set_source_rgba(cr_, 0.85, 0.1, 0.1, 0.5);
    cairo_set_line_width(cr_, 2.2);
    cairo_new_path(cr_);
    cairo_arc(cr_, cx, cy, 40, 0, 2 * M_PI);
    cairo_stroke(cr_);
    // Star.
    cairo_new_path(cr_);
    for (int k = 0; k < 10; ++k) {
      const double a = -M_PI / 2 + k * M_PI / 5;
      const double rad = k % 2 == 0 ? 10 : 4;
      const double px = cx + rad * std::cos(a), py = cy - 4 + rad * std::sin(a);
      k == 0 ? cairo_move_to(cr_, px, py) : cairo_line_to(cr_, px, py);
    }
    cairo_close_path(cr_);
    cairo_fill(cr_);
    // The name along the upper arc.
    std::vector<std::string> chars;
    const std::string& name = r_.facts.institution_name;
    for (size_t i = 0; i < name.size();) {
      size_t n = 1;
      const unsigned char c = static_cast<unsigned char>(name[i]);
      if (c >= 0xF0)
        n = 4;
      else if (c >= 0xE0)
        n = 3;
      else if (c >= 0xC0)
        n = 2;
      chars.push_back(name.substr(i, n));
      i += n;
    }
    const double span = std::min(4.2, 0.34 * static_cast<double>(chars.size()));
    for (size_t k = 0; k < chars.size(); ++k) {
      const double t = chars.size() == 1 ? 0.5 : static_cast<double>(k) / (chars.size() - 1);
      const double a = -M_PI / 2 - span / 2 + span * t;
      cairo_save(cr_);
      cairo_translate(cr_, cx + 31 * std::cos(a), cy + 31 * std::sin(a));
      cairo_rotate(cr_, a + M_PI / 2);
      Text(-4, -4, -1, chars[k], S(8, true), /*as_path=*/true);
      cairo_restore(cr_);
    }
    Text(cx - 30, cy + 10, 60, "检验检测专用章", S(6.5, false, false, PANGO_ALIGN_CENTER), true);
    cairo_restore(cr_);
  }

  cairo_t* cr() { return cr_; }
  const PlannedReport& report() const { return r_; }
  std::string Date(const std::string& iso) const { return FormatDate(iso, r_.date_style); }

  double y = 0;

 private:
  void Set(double w, const std::string& s, const Style& st) {
    PangoFontDescription* fd = pango_font_description_new();
    // Latin from DejaVu, Chinese from Noto CJK (as reports pair a Latin and a Chinese face).
    // With Noto CJK's own Latin glyphs, cairo 1.16 embeds the whole 900 kB font for some glyph
    // sets (e.g. "I" with "L") instead of a subset.
    pango_font_description_set_family(
        fd, st.serif ? "DejaVu Serif, Noto Serif CJK SC" : "DejaVu Sans, Noto Sans CJK SC");
    pango_font_description_set_weight(fd, st.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_size(fd, static_cast<int>(st.size * PANGO_SCALE));
    pango_layout_set_font_description(layout_, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(layout_, w > 0 ? static_cast<int>(w * PANGO_SCALE) : -1);
    pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout_, st.align);
    // Ranges are printed with the full-width tilde, as Chinese reports do ("6.5～8.5"); intake
    // folds it back (normalize.h).
    std::string text = s;
    for (size_t p = text.find('~'); p != std::string::npos; p = text.find('~', p)) {
      text.replace(p, 1, "～");
    }
    pango_layout_set_text(layout_, text.c_str(), -1);
    // "≤" and "≥" from the CJK face, as Chinese typesetting does (DejaVu's are narrow Latin
    // glyphs).
    PangoAttrList* attrs = pango_attr_list_new();
    for (std::string_view sign : {std::string_view("≤"), std::string_view("≥")}) {
      for (size_t p = text.find(sign); p != std::string::npos; p = text.find(sign, p + 1)) {
        PangoAttribute* a =
            pango_attr_family_new(st.serif ? "Noto Serif CJK SC" : "Noto Sans CJK SC");
        a->start_index = static_cast<guint>(p);
        a->end_index = static_cast<guint>(p + sign.size());
        pango_attr_list_insert(attrs, a);
      }
    }
    pango_layout_set_attributes(layout_, attrs);
    pango_attr_list_unref(attrs);
  }
  std::pair<double, double> Extent() {
    int w = 0, h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return {static_cast<double>(w) / PANGO_SCALE, static_cast<double>(h) / PANGO_SCALE};
  }

  Result<void> EndPage() {
    Footer();
    DropLayout();
    const cairo_status_t st = cairo_status(cr_);
    cr_ = nullptr;
    if (st != CAIRO_STATUS_SUCCESS) {
      return Error::Internal("gen.render", cairo_status_to_string(st));
    }
    return sink_->End();
  }

  void DropLayout() {
    if (layout_) g_object_unref(layout_);
    layout_ = nullptr;
  }

  void Footer() {
    const std::string pages =
        "第 " + std::to_string(page_) + " 页 共 " + std::to_string(total_) + " 页";
    cairo_set_source_rgb(cr_, 0, 0, 0);
    const double fy = kPageHeight - 44;
    if (r_.layout == Layout::kConstruction) {
      Text(kLeft, fy - 15, -1,
           "地址：" + r_.institution_address + "    电话：" + r_.institution_phone, S(8));
      Text(kLeft, fy, -1, "统一社会信用代码：" + r_.facts.report.institution, S(8));
    } else {
      Text(kLeft, fy, -1, "报告编号：" + r_.facts.report.report_no, S(9));
    }
    if (r_.facts.page_numbering != false) {
      Text(kRight - 150, fy, 150, pages, S(9, false, false, PANGO_ALIGN_RIGHT));
    }
  }

  const PlannedReport& r_;
  PageSink* sink_;
  int total_;
  int page_ = 0;
  cairo_t* cr_ = nullptr;
  PangoLayout* layout_ = nullptr;
};

// ---- tables ----

struct Col {
  std::string head;
  double width;
};

// Draws a table at d.y, continuing on new pages (with `page_header` and the heading row again).
// `grid`: every cell ruled; else a three-line table (三线表).
Result<void> Table(Doc& d, const std::vector<Col>& cols,
                   const std::vector<std::vector<std::string>>& rows, bool grid, double size,
                   const std::function<void(Doc&)>& page_header) {
  const double pad = 4;
  auto row_height = [&](const std::vector<std::string>& cells, bool bold) {
    double h = 0;
    for (size_t c = 0; c < cols.size(); ++c) {
      h = std::max(
          h, d.Height(cols[c].width - 2 * pad, cells[c], S(size, bold, false, PANGO_ALIGN_CENTER)));
    }
    return h + 2 * pad;
  };
  auto draw_row = [&](const std::vector<std::string>& cells, bool bold, double h) {
    double x = kLeft;
    for (size_t c = 0; c < cols.size(); ++c) {
      d.Text(x + pad, d.y + pad, cols[c].width - 2 * pad, cells[c],
             S(size, bold, false, PANGO_ALIGN_CENTER));
      x += cols[c].width;
    }
    if (grid) {
      double vx = kLeft;
      d.VRule(vx, d.y, d.y + h, 0.6);
      for (const Col& c : cols) {
        vx += c.width;
        d.VRule(vx, d.y, d.y + h, 0.6);
      }
      d.Rule(kLeft, d.y + h, kLeft + vx - kLeft, 0.6);
    }
    d.y += h;
  };
  std::vector<std::string> heads;
  for (const Col& c : cols) heads.push_back(c.head);
  auto header = [&] {
    const double h = row_height(heads, true);
    d.Rule(kLeft, d.y, kRight, grid ? 0.6 : 1.4);
    draw_row(heads, true, h);
    if (!grid) d.Rule(kLeft, d.y, kRight, 0.7);
  };
  header();
  for (const auto& row : rows) {
    const double h = row_height(row, false);
    if (d.y + h > kBottom) {
      if (!grid) d.Rule(kLeft, d.y, kRight, 1.4);
      ZJ_TRY(d.NewPage());
      page_header(d);
      header();
    }
    draw_row(row, false, h);
  }
  if (!grid) d.Rule(kLeft, d.y, kRight, 1.4);
  return Ok();
}

// ---- layouts ----

void TopRight(Doc& d, const std::string& text, double y0) {
  d.Text(kRight - 220, y0, 220, text, S(10.5, false, false, PANGO_ALIGN_RIGHT));
}

// A "label：value" pair; returns the height.
double Pair(Doc& d, double x, double y0, double w, const std::string& label,
            const std::string& value, double size = 10.5) {
  return d.Text(x, y0, w, label + "：" + value, S(size));
}

// The end-of-report mark under the results, unless the report leaves it out (a defect).
void EndMark(Doc& d) {
  if (d.report().facts.end_mark == false) return;
  d.Text(kLeft, d.y, kWidth, "以下空白", S(10, false, false, PANGO_ALIGN_CENTER));
}

// The seal with its caption at the right of d.y, unless the report has none (a defect).
void SealCaption(Doc& d) {
  if (d.report().facts.seal == false) return;
  d.Text(kRight - 220, d.y, 200, "（检验检测专用章）", S(10.5, false, false, PANGO_ALIGN_RIGHT));
  d.Seal(kRight - 70, d.y - 4);
}

// The statements of RB/T 214 §4.5.20 l) and n) as a note at d.y (those the report prints).
void Statements(Doc& d, const std::string& object) {
  const auto& f = d.report().facts;
  std::vector<std::string> lines;
  if (f.sample_statement != false) lines.push_back("本报告检验结果仅对所检" + object + "负责。");
  if (f.copy_statement != false) lines.push_back("未经本机构书面批准，不得部分复制本报告。");
  for (size_t k = 0; k < lines.size(); ++k) {
    d.y += d.Text(kLeft, d.y, kWidth, (k == 0 ? "声明：" : "　　　") + lines[k], S(9)) + 3;
  }
}

Result<void> General(Doc& d) {
  const PlannedReport& r = d.report();
  const auto& f = r.facts;
  const auto& rep = f.report;
  const bool water = r.domain == "水质" || r.domain == "生态环境";
  const std::string verb = water ? "检测" : "检验";
  // Cover.
  ZJ_TRY(d.NewPage());
  if (*f.cma_mark) d.Mark(kLeft, 46);
  TopRight(d, "报告编号：" + rep.report_no, 56);
  std::string spaced;
  for (size_t i = 0; i < r.title.size(); i += 3) {
    spaced += r.title.substr(i, 3);
    if (i + 3 < r.title.size()) spaced += " ";
  }
  d.Text(kLeft, 170, kWidth, spaced, S(36, true, true, PANGO_ALIGN_CENTER));
  d.Text(kLeft, 232, kWidth, "TEST REPORT", S(12, false, true, PANGO_ALIGN_CENTER));
  double y = 330;
  const std::vector<std::pair<std::string, std::string>> cover = {
      {"样品名称", rep.sample},
      {"委托单位", r.print_client ? rep.client : ""},
      {verb + "类别", f.test_category}};
  for (const auto& [label, value] : cover) {
    const double h = Pair(d, 130, y, 340, label, value, 13);
    d.Rule(130 + 72, y + h + 1, 470, 0.5);
    y += h + 22;
  }
  d.Text(kLeft, 640, kWidth, f.institution_name, S(18, true, true, PANGO_ALIGN_CENTER));
  d.Text(kLeft, 672, kWidth, "地址：" + r.institution_address,
         S(9, false, false, PANGO_ALIGN_CENTER));
  d.Text(kLeft, 688, kWidth, "电话：" + r.institution_phone,
         S(9, false, false, PANGO_ALIGN_CENTER));
  d.Text(kLeft, 704, kWidth, "统一社会信用代码：" + rep.institution,
         S(9, false, false, PANGO_ALIGN_CENTER));

  // Information page.
  ZJ_TRY(d.NewPage());
  d.Text(kLeft, 46, kWidth, f.institution_name, S(12, true, false, PANGO_ALIGN_CENTER));
  d.Text(kLeft, 68, kWidth, r.title, S(16, true, true, PANGO_ALIGN_CENTER));
  d.y = 104;
  const double c1 = 92, c2 = 150, c3 = 92, c4 = kWidth - c1 - c2 - c3;
  const double pad = 6;
  std::string standards;
  for (const auto& l : rep.test_lines) {
    if (l.standard.empty() || standards.find(l.standard) != std::string::npos) continue;
    standards += (standards.empty() ? "" : "、") + l.standard;
  }
  struct GridRow {
    std::string l1, v1, l2, v2;  // l2 empty: v1 spans three columns
  };
  const std::vector<GridRow> grid = {
      {"样品名称", rep.sample, "规格型号", OrSlash(f.sample_model)},
      {"委托单位", r.print_client ? rep.client : "", "", ""},
      {"生产日期/批号", OrSlash(f.sample_batch), verb + "类别", f.test_category},
      {"抽样日期", d.Date(rep.sampling_date), "收样日期", d.Date(rep.receipt_date)},
      {verb + "日期", DateRange(rep.test_start_date, rep.test_end_date, r.date_style), "", ""},
      {verb + "地点", OrSlash(f.test_site), "", ""},
      {verb + "依据", standards, "", ""},
      {"判定依据", OrSlash(r.judgement_basis), "", ""},
  };
  auto grid_row = [&](const GridRow& g) {
    const bool span = g.l2.empty();
    const double vw = span ? c2 + c3 + c4 : c2;
    double h =
        std::max(d.Height(c1 - 2 * pad, g.l1, S(10.5)), d.Height(vw - 2 * pad, g.v1, S(10.5)));
    if (!span) h = std::max(h, d.Height(c4 - 2 * pad, g.v2, S(10.5)));
    h += 2 * pad + 2;
    d.Text(kLeft + pad, d.y + pad, c1 - 2 * pad, g.l1, S(10.5));
    d.Text(kLeft + c1 + pad, d.y + pad, vw - 2 * pad, g.v1, S(10.5));
    d.VRule(kLeft, d.y, d.y + h, 0.7);
    d.VRule(kLeft + c1, d.y, d.y + h, 0.7);
    if (!span) {
      d.Text(kLeft + c1 + c2 + pad, d.y + pad, c3 - 2 * pad, g.l2, S(10.5));
      d.Text(kLeft + c1 + c2 + c3 + pad, d.y + pad, c4 - 2 * pad, g.v2, S(10.5));
      d.VRule(kLeft + c1 + c2, d.y, d.y + h, 0.7);
      d.VRule(kLeft + c1 + c2 + c3, d.y, d.y + h, 0.7);
    }
    d.VRule(kRight, d.y, d.y + h, 0.7);
    d.Rule(kLeft, d.y + h, kRight, 0.7);
    d.y += h;
  };
  d.Rule(kLeft, d.y, kRight, 0.7);
  for (const GridRow& g : grid) grid_row(g);
  // The conclusion cell: text, seal line and issue date.
  {
    const double vw = c2 + c3 + c4 - 2 * pad;
    const double top = d.y;
    d.Text(kLeft + pad, top + pad, c1 - 2 * pad, verb + "结论", S(10.5));
    double yy = top + pad + d.Text(kLeft + c1 + pad, top + pad, vw, rep.conclusion, S(10.5));
    yy += 40;
    if (f.seal != false) {
      d.Text(kLeft + c1 + pad, yy, vw - 20, "（检验检测专用章）",
             S(10.5, false, false, PANGO_ALIGN_RIGHT));
      d.Seal(kRight - 90, yy - 4);
    }
    yy += 22;
    d.Text(kLeft + c1 + pad, yy, vw - 20, "签发日期：" + d.Date(rep.issue_date),
           S(10.5, false, false, PANGO_ALIGN_RIGHT));
    yy += 24;
    d.VRule(kLeft, top, yy, 0.7);
    d.VRule(kLeft + c1, top, yy, 0.7);
    d.VRule(kRight, top, yy, 0.7);
    d.Rule(kLeft, yy, kRight, 0.7);
    d.y = yy;
  }
  grid_row({"备注", "/", "", ""});
  d.y += 26;
  Pair(d, kLeft, d.y, -1, "批准", f.approver, 11);
  Pair(d, kLeft + 170, d.y, -1, "审核", f.reviewer, 11);
  Pair(d, kLeft + 340, d.y, -1, "主检", f.chief_tester, 11);

  // Results.
  ZJ_TRY(d.NewPage());
  auto heading = [&](Doc& dd) {
    dd.Text(kLeft, 50, kWidth, verb == "检测" ? "检 测 结 果" : "检 验 结 果",
            S(14, true, false, PANGO_ALIGN_CENTER));
    dd.y = 82;
  };
  heading(d);
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  for (const auto& l : rep.test_lines) {
    rows.push_back({std::to_string(++n), l.item, l.unit, l.limit, l.result, l.verdict, l.standard});
  }
  const std::vector<Col> cols = {{"序号", 32},
                                 {verb + "项目", 108},
                                 {"单位", 58},
                                 {"标准要求", 70},
                                 {verb + "结果", 66},
                                 {"单项判定", 54},
                                 {verb + "方法", kWidth - 388}};
  ZJ_TRY(Table(d, cols, rows, false, 9.5, heading));
  d.y += 8;
  EndMark(d);
  d.y += 30;
  std::vector<std::string> notes = {"注意事项", "报告无“检验检测专用章”或检验检测机构公章无效。",
                                    "复制报告未重新加盖“检验检测专用章”或检验检测机构公章无效。",
                                    "报告无主检、审核、批准人签字无效；报告涂改无效。",
                                    "对检验报告若有异议，应于收到报告之日起十五日内向本机构提出。"};
  if (f.sample_statement != false) {
    notes.push_back(std::string(r.domain == "食品" ? "抽样检验" : "送样检验") +
                    "结果仅对所检样品负责。");
  }
  if (f.copy_statement != false) notes.push_back("未经本机构书面批准，不得部分复制本报告。");
  for (size_t k = 1; k < notes.size(); ++k) notes[k] = std::to_string(k) + ". " + notes[k];
  if (d.y + 105 > kBottom) {
    ZJ_TRY(d.NewPage());
    d.y = 60;
  }
  for (const auto& line : notes) d.y += d.Text(kLeft, d.y, kWidth, line, S(9)) + 3;
  return Ok();
}

Result<void> Vehicle(Doc& d) {
  const PlannedReport& r = d.report();
  const auto& f = r.facts;
  const auto& rep = f.report;
  ZJ_TRY(d.NewPage());
  if (*f.cma_mark) d.Mark(kLeft, 36);
  TopRight(d, "报告编号：" + rep.report_no, 44);
  d.Text(kLeft, 96, kWidth, r.title, S(18, true, true, PANGO_ALIGN_CENTER));
  double y = 134;
  y += Pair(d, kLeft, y, -1, "检验检测机构", f.institution_name) + 4;
  y += Pair(d, kLeft, y, -1, "统一社会信用代码", rep.institution) + 12;
  d.Rule(kLeft, y - 6, kRight, 0.8);
  const bool diesel = rep.test_lines.size() > 0 && (rep.test_lines[0].item == "光吸收系数" ||
                                                    rep.test_lines[0].item == "林格曼黑度");
  const std::vector<
      std::pair<std::pair<std::string, std::string>, std::pair<std::string, std::string>>>
      kv = {{{"号牌号码", r.plate}, {"车辆类型", rep.sample}},
            {{"品牌型号", OrSlash(f.sample_model)}, {"燃料种类", diesel ? "柴油" : "汽油"}},
            {{"车辆识别代号(VIN)", OrSlash(f.sample_batch)}, {"检验类别", f.test_category}},
            {{"委托单位", r.print_client ? rep.client : ""},
             {"检验日期", DateRange(rep.test_start_date, rep.test_end_date, r.date_style)}}};
  for (const auto& [a, b] : kv) {
    const double h1 = Pair(d, kLeft, y, 250, a.first, a.second);
    const double h2 = Pair(d, kLeft + 268, y, kWidth - 268, b.first, b.second);
    y += std::max(h1, h2) + 8;
  }
  d.y = y + 8;
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  for (const auto& l : rep.test_lines) {
    rows.push_back({std::to_string(++n), l.item, l.parameter, l.unit, l.limit, l.result, l.verdict,
                    l.standard});
  }
  const std::vector<Col> cols = {
      {"序号", 30}, {"检验项目", 92}, {"工况", 62}, {"单位", 56},
      {"限值", 58}, {"实测值", 56},   {"判定", 40}, {"检验依据", kWidth - 394}};
  ZJ_TRY(Table(d, cols, rows, true, 9.5, [](Doc& dd) { dd.y = 60; }));
  d.y += 6;
  EndMark(d);
  d.y += 28;
  if (d.y + 190 > kBottom) {
    ZJ_TRY(d.NewPage());
    d.y = 60;
  }
  d.y += Pair(d, kLeft, d.y, kWidth, "检验结论", rep.conclusion, 11) + 40;
  Pair(d, kLeft, d.y, -1, "主检", f.chief_tester);
  Pair(d, kLeft + 160, d.y, -1, "审核", f.reviewer);
  Pair(d, kLeft + 320, d.y, -1, "批准", f.approver);
  d.y += 34;
  SealCaption(d);
  d.y += 22;
  d.Text(kRight - 220, d.y, 200, "签发日期：" + d.Date(rep.issue_date),
         S(10.5, false, false, PANGO_ALIGN_RIGHT));
  d.y += 26;
  Statements(d, "车辆");
  return Ok();
}

Result<void> Construction(Doc& d) {
  const PlannedReport& r = d.report();
  const auto& f = r.facts;
  const auto& rep = f.report;
  ZJ_TRY(d.NewPage());
  if (*f.cma_mark) d.Mark(kLeft, 40);
  d.Text(kLeft + 90, 40, kWidth - 90, f.institution_name, S(15, true, false, PANGO_ALIGN_CENTER));
  d.Text(kLeft + 90, 68, kWidth - 90, r.title, S(17, true, true, PANGO_ALIGN_CENTER));
  double y = 116;
  TopRight(d, "报告编号：" + rep.report_no, y);
  y += 26;
  d.Rule(kLeft, y - 6, kRight, 0.8);
  y += Pair(d, kLeft, y, kWidth, "委托单位", r.print_client ? rep.client : "") + 8;
  y += Pair(d, kLeft, y, kWidth, "工程名称", r.project) + 8;
  const std::vector<
      std::pair<std::pair<std::string, std::string>, std::pair<std::string, std::string>>>
      kv = {{{"样品名称", rep.sample}, {"规格型号", OrSlash(f.sample_model)}},
            {{"批号", OrSlash(f.sample_batch)}, {"检测类别", f.test_category}},
            {{"取样日期", d.Date(rep.sampling_date)}, {"送检日期", d.Date(rep.receipt_date)}},
            {{"检测日期", DateRange(rep.test_start_date, rep.test_end_date, r.date_style)},
             {"报告日期", d.Date(rep.issue_date)}}};
  for (const auto& [a, b] : kv) {
    const double h1 = Pair(d, kLeft, y, 250, a.first, a.second);
    const double h2 = Pair(d, kLeft + 268, y, kWidth - 268, b.first, b.second);
    y += std::max(h1, h2) + 8;
  }
  d.y = y + 10;
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : rep.test_lines) {
    rows.push_back({l.item, l.unit, l.limit, l.result, l.verdict, l.standard});
  }
  const std::vector<Col> cols = {{"检测项目", 100}, {"单位", 50},     {"技术要求", 76},
                                 {"检测结果", 72},  {"单项结论", 56}, {"检测依据", kWidth - 354}};
  auto header = [&](Doc& dd) {
    TopRight(dd, "报告编号：" + rep.report_no, 44);
    dd.y = 76;
  };
  ZJ_TRY(Table(d, cols, rows, r.date_style == 1, 9.5, header));
  d.y += 6;
  EndMark(d);
  d.y += 28;
  if (d.y + 200 > kBottom) {
    ZJ_TRY(d.NewPage());
    header(d);
  }
  d.y += Pair(d, kLeft, d.y, kWidth, "检测结论", rep.conclusion, 11) + 10;
  d.y += Pair(d, kLeft, d.y, kWidth, "备注", "/") + 36;
  Pair(d, kLeft, d.y, -1, "批准", f.approver);
  Pair(d, kLeft + 160, d.y, -1, "审核", f.reviewer);
  Pair(d, kLeft + 320, d.y, -1, "主检", f.chief_tester);
  d.y += 34;
  SealCaption(d);
  d.y += 26;
  Statements(d, "样品");
  return Ok();
}

// Counts pages, drawing onto a recording surface that is thrown away.
class CountingSink final : public PageSink {
 public:
  ~CountingSink() override {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  cairo_t* Begin() override {
    if (!surface_) {
      cairo_rectangle_t extent{0, 0, kPageWidth, kPageHeight};
      surface_ = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extent);
    }
    if (cr_) cairo_destroy(cr_);
    cr_ = cairo_create(surface_);
    return cr_;
  }
  Result<void> End() override { return Ok(); }

 private:
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

}  // namespace

Result<int> Draw(const PlannedReport& report, PageSink* sink, int total) {
  Doc d(report, sink, total);
  switch (report.layout) {
    case Layout::kGeneral:
      ZJ_TRY(General(d));
      break;
    case Layout::kVehicle:
      ZJ_TRY(Vehicle(d));
      break;
    case Layout::kConstruction:
      ZJ_TRY(Construction(d));
      break;
  }
  return d.Finish();
}

Result<int> DrawPaged(const PlannedReport& report, PageSink* sink) {
  CountingSink counter;
  ZJ_ASSIGN_OR_RETURN(const int pages, Draw(report, &counter, 0));
  ZJ_ASSIGN_OR_RETURN(const int drawn, Draw(report, sink, pages));
  if (drawn != pages) return Error::Internal("gen.render", "page count changed between passes");
  return drawn;
}

}  // namespace zhijian::intake::gen
