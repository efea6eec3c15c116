// Demo history generator (see tools/demo.h for the contract).
//
// How the history is built:
// - A plan is made up front: studios (static facts, role, activity profile), members, the
//   supervision items of every studio (visits, findings, suspensions: "free" items at fixed
//   times) and a number of activity "slots" per studio. The counts add up to exactly
//   `events`, so the history always spans the two years and stops cleanly.
// - Each studio is a stream whose events come in occurredAt order: its license, then its
//   slots merged with its free items. A slot becomes whatever is due at that moment (a
//   join, a rule, a resolution, an adoption, a rectification) or else a spontaneous event
//   (contact, consultation, case, suggestion, correction, retraction, departure).
// - Slot times are stratified-uniform in a "warped" time whose density follows a per-day
//   weight (weekends, holidays, school holidays, hollow periods). Days of a suspension
//   have weight zero, so a suspended studio only receives free supervision items.
// - No floating point anywhere: every computation is integer, so the bytes do not depend
//   on the compiler, its flags (FMA contraction) or the C library.
// - recorded_at = max(occurredAt + delay, previous recorded_at of the studio); the streams
//   are merged with a min-heap on (recorded_at, push order), so the output is sorted and
//   every event comes after everything it depends on (all dependencies are in its stream).
// - Content is chosen when an event is emitted, so its seq is known; recent activity is
//   kept in a small ring for corrections and retractions.
#include "tools/demo.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace wulian::demo {
namespace {

using std::string_view;

// 128-bit products keep every scaling exact (GCC and Clang; __extension__ for -Wpedantic).
__extension__ typedef unsigned __int128 Uint128;

// ------------------------------------------------------------------------ randomness

// One splitmix64 step; seeds xoshiro256** and derives independent stream seeds.
uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256**, implemented here so that the output never depends on the standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) {
    uint64_t state = seed;
    for (uint64_t& word : s_) word = SplitMix64(&state);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n >= 1 (multiply-shift).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<Uint128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi], lo <= hi.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability percent / 100.
  bool Percent(uint32_t percent) { return Below(100) < percent; }

  // An index drawn with probability proportional to its weight (weights sum > 0).
  size_t Weighted(std::initializer_list<uint32_t> weights) {
    uint64_t total = 0;
    for (uint32_t w : weights) total += w;
    uint64_t r = Below(total);
    size_t i = 0;
    for (uint32_t w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }

  template <size_t N>
  string_view Pick(const string_view (&items)[N]) {
    return items[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ------------------------------------------------------------------------------ time
//
// Times are seconds since 2024-11-01T00:00:00+08:00 (local wall clock, no DST in +08:00).

constexpr int64_t kDay = 86400;
constexpr int64_t kHour = 3600;
constexpr int64_t kMinute = 60;
constexpr int kHistoryDays = 730;  // 2024-11-01 .. 2026-10-31
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Nothing is recorded after 2026-10-31 23:00; activity ends by 21:00 that day.
constexpr int64_t kLastRecording = (kHistoryDays - 1) * kDay + 22 * kHour;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr int64_t kEpochCivilDays = DaysFromCivil(2024, 11, 1);

// Day index (0 = 2024-11-01) of a date.
constexpr int DayIndex(int y, unsigned m, unsigned d) {
  return static_cast<int>(DaysFromCivil(y, m, d) - kEpochCivilDays);
}

struct Civil {
  int64_t y;
  unsigned m;
  unsigned d;
};

// The date of a day index.
constexpr Civil CivilFromDay(int64_t day) {
  const int64_t z = day + kEpochCivilDays + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr int64_t At(int day, int hour, int minute) {
  return day * kDay + hour * kHour + minute * kMinute;
}

constexpr int DayOf(int64_t t) { return static_cast<int>(t / kDay); }

// 0 = Monday .. 6 = Sunday; 2024-11-01 was a Friday.
constexpr int Weekday(int day) { return (4 + day % 7) % 7; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Appends value in decimal, zero-padded to at least width digits.
void AppendDigits(std::string* out, uint64_t value, int width) {
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n < width) buffer[n++] = '0';
  while (n > 0) out->push_back(buffer[--n]);
}

// Appends YYYY-MM-DD of a day index.
void AppendDate(std::string* out, int64_t day) {
  const Civil c = CivilFromDay(day);
  AppendDigits(out, static_cast<uint64_t>(c.y), 4);
  out->push_back('-');
  AppendDigits(out, c.m, 2);
  out->push_back('-');
  AppendDigits(out, c.d, 2);
}

// Appends the RFC 3339 form of t in +08:00, e.g. 2025-03-01T09:30:00+08:00.
void AppendTime(std::string* out, int64_t t) {
  AppendDate(out, t / kDay);
  const int64_t s = t % kDay;
  out->push_back('T');
  AppendDigits(out, static_cast<uint64_t>(s / kHour), 2);
  out->push_back(':');
  AppendDigits(out, static_cast<uint64_t>(s / kMinute % 60), 2);
  out->push_back(':');
  AppendDigits(out, static_cast<uint64_t>(s % 60), 2);
  out->append("+08:00");
}

// --------------------------------------------------------------------------- JSON

// Appends s as a JSON string literal. s is valid UTF-8; control characters, quotes and
// backslashes are escaped, everything else is copied.
void AppendJsonString(std::string* out, string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

// Writes one event line: {"id","type","occurredAt","data":{...}} in that key order.
class EventWriter {
 public:
  explicit EventWriter(std::string* out) : out_(out) {}

  // Starts event `number` (its id is "d-" and the number, zero-padded to 8 digits).
  void Begin(uint64_t number, string_view type, int64_t occurred) {
    out_->clear();
    out_->append("{\"id\":\"d-");
    AppendDigits(out_, number, 8);
    out_->append("\",\"type\":\"");
    out_->append(type);
    out_->append("\",\"occurredAt\":\"");
    AppendTime(out_, occurred);
    out_->append("\",\"data\":{");
    first_ = true;
  }
  void End() { out_->append("}}"); }

  void Text(string_view key, string_view value) {
    Key(key);
    AppendJsonString(out_, value);
  }
  // A text made of several pieces, e.g. a topic and a suffix.
  void Texts(string_view key, std::initializer_list<string_view> parts) {
    Key(key);
    out_->push_back('"');
    for (string_view part : parts) {
      const size_t at = out_->size();
      AppendJsonString(out_, part);
      out_->erase(at, 1);
      out_->pop_back();
    }
    out_->push_back('"');
  }
  void Number(string_view key, uint64_t value) {
    Key(key);
    AppendDigits(out_, value, 1);
  }
  void Bool(string_view key, bool value) {
    Key(key);
    out_->append(value ? "true" : "false");
  }
  void Date(string_view key, int64_t day) {
    Key(key);
    out_->push_back('"');
    AppendDate(out_, day);
    out_->push_back('"');
  }
  // An id made of a prefix and a zero-padded number, e.g. "case-0001".
  void Id(string_view key, string_view prefix, uint64_t number, int width) {
    Key(key);
    AppendId(prefix, number, width);
  }
  void BeginList(string_view key) {
    Key(key);
    out_->push_back('[');
    list_first_ = true;
  }
  void ListText(string_view value) {
    ListComma();
    AppendJsonString(out_, value);
  }
  void ListId(string_view prefix, uint64_t number, int width) {
    ListComma();
    AppendId(prefix, number, width);
  }
  void EndList() { out_->push_back(']'); }
  void BeginObject(string_view key) {
    Key(key);
    out_->push_back('{');
    first_ = true;
  }
  void EndObject() {
    out_->push_back('}');
    first_ = false;
  }

 private:
  void Key(string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(key);
    out_->append("\":");
  }
  void ListComma() {
    if (!list_first_) out_->push_back(',');
    list_first_ = false;
  }
  void AppendId(string_view prefix, uint64_t number, int width) {
    out_->push_back('"');
    out_->append(prefix);
    AppendDigits(out_, number, width);
    out_->push_back('"');
  }

  std::string* out_;
  bool first_ = true;
  bool list_first_ = true;
};

// ------------------------------------------------------------------------- catalogue

enum LinkType : uint8_t { kIndustry, kInterest, kLocality, kProfessional, kSector, kLinkTypes };
constexpr string_view kLinkTypeNames[] = {"industry", "interest", "locality", "professional",
                                          "sector"};

enum CommitteeIndex : uint8_t { kLiaison, kEcon, kAgri, kLaw, kEdu, kCult, kEnv, kProp };
struct Committee {
  string_view id;
  string_view name;
};
constexpr Committee kCommittees[] = {{"C-LIAISON", "联络委"},     {"C-ECON", "经济委"},
                                     {"C-AGRI", "农业农村委"},    {"C-LAW", "社会法制委"},
                                     {"C-EDU", "教科卫体委"},     {"C-CULT", "文化文史和学习委"},
                                     {"C-ENV", "人口资源环境委"}, {"C-PROP", "提案委"}};
constexpr size_t kCommitteeCount = std::size(kCommittees);

// A kind of studio: its name stem, the party organisation that leads it, the committee
// that guides it and the sector of its lead member.
struct StudioKind {
  string_view stem;
  string_view party_org;
  CommitteeIndex committee;
  string_view lead_sector;
};
constexpr StudioKind kIndustryKinds[] = {
    {"商贸物流", "区商务委机关党委", kEcon, "经济界"},
    {"电子信息产业", "区经济信息委机关党委", kEcon, "经济界"},
    {"汽车摩托车产业", "区经济信息委机关党委", kEcon, "工商联"},
    {"建筑业", "区住房城乡建委机关党委", kEcon, "工商联"},
    {"金融服务", "区金融发展中心党支部", kEcon, "经济界"},
    {"现代农业", "区农业农村委机关党委", kAgri, "农业界"},
    {"文旅产业", "区文化旅游委机关党委", kCult, "经济界"},
    {"民营经济", "区工商联党组", kEcon, "工商联"}};
constexpr StudioKind kInterestKinds[] = {{"书画摄影", "区文化旅游委机关党委", kCult, "文化艺术界"},
                                         {"文艺创作", "区文联党组", kCult, "文化艺术界"},
                                         {"体育健身", "区体育局机关党支部", kEdu, "体育界"},
                                         {"诗词楹联", "区文联党组", kCult, "文化艺术界"},
                                         {"非遗传承", "区文化馆党支部", kCult, "文化艺术界"}};
constexpr StudioKind kProfessionalKinds[] = {
    {"教育", "区教委机关党委", kEdu, "教育界"},
    {"医疗卫生", "区卫生健康委机关党委", kEdu, "医药卫生界"},
    {"科技创新", "区科技局机关党委", kEdu, "科技界"},
    {"法律服务", "区司法局机关党委", kLaw, "社会科学界"},
    {"生态环保", "区生态环境局机关党支部", kEnv, "科技界"}};
constexpr StudioKind kSectorKinds[] = {{"民盟", "区委统战部机关党委", kProp, "民盟"},
                                       {"共青团", "团区委机关党支部", kLaw, "共青团"},
                                       {"民建", "区委统战部机关党委", kProp, "民建"},
                                       {"妇联", "区妇联机关党支部", kLaw, "妇联"},
                                       {"九三学社", "区委统战部机关党委", kProp, "九三学社"},
                                       {"侨联", "区侨联机关党支部", kProp, "侨联"},
                                       {"农工党", "区委统战部机关党委", kEnv, "农工党"}};
constexpr string_view kTowns[] = {"鱼洞街道", "界石镇",   "龙洲湾街道", "李家沱街道", "南泉街道",
                                  "木洞镇",   "一品街道", "花溪街道",   "莲花街道",   "南彭街道",
                                  "惠民街道", "鹿角街道", "双河口镇",   "麻柳嘴镇",   "丰盛镇",
                                  "二圣镇",   "东泉镇",   "姜家镇",     "天星寺镇",   "接龙镇",
                                  "石滩镇",   "石龙镇",   "安澜镇",     "跳石镇",     "圣灯山镇"};
constexpr string_view kLocalitySectors[] = {"农业界", "特邀", "社会福利和社会保障界", "经济界"};
constexpr string_view kSectors[] = {
    "经济界",   "农业界", "教育界", "科技界",     "医药卫生界",           "工商联", "民盟", "民建",
    "九三学社", "共青团", "妇联",   "文化艺术界", "社会福利和社会保障界", "特邀"};

constexpr string_view kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                     "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
                                     "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余"};
constexpr string_view kGivenFirst[] = {"建", "国", "明", "晓", "丽", "伟", "志", "文", "德", "海",
                                       "春", "玉", "永", "俊", "雪", "红", "家", "思", "嘉", "立",
                                       "光", "清", "子", "学", "宏", "成", "小", "金", "世", "天"};
constexpr string_view kGivenSecond[] = {"华", "平", "峰", "婷", "宇", "琳", "浩", "然", "欣", "怡",
                                        "晨", "阳", "辉", "荣", "君", "慧", "琴", "燕", "萍", "兰",
                                        "凤", "梅", "东", "林", "松", "川", "江", "涛", "军", "敏"};

constexpr string_view kGeneralTopics[] = {
    "渝事好商量议题征集", "停车难问题",       "老旧小区改造",     "既有住宅加装电梯",
    "背街小巷环境整治",   "生活垃圾分类",     "社区居家养老服务", "困难群众就业帮扶",
    "公交线路优化",       "汛期安全隐患排查", "学校周边交通秩序", "电动自行车充电安全"};
constexpr string_view kIndustryTopics[] = {
    "公路物流基地配套设施", "商贸企业用工难",   "中小微企业融资难", "营商环境优化",
    "冷链物流发展",         "电商直播带货",     "货车进城通行管理", "商圈提档升级",
    "惠企政策落实",         "跨境物流通道建设", "市场主体培育",     "产业园区配套服务"};
constexpr string_view kInterestTopics[] = {
    "书画进社区",       "采风创作活动",         "文艺惠民演出", "全民健身设施", "非遗项目展示",
    "群众文化活动组织", "公共文化场馆开放时间", "青少年美育",   "巴渝文化传承", "乡村文化振兴"};
constexpr string_view kLocalityTopics[] = {
    "小区停车位不足",   "老旧小区改造进度", "加装电梯协调",       "物业服务质量",
    "农贸市场环境卫生", "夜间噪音扰民",     "社区养老服务站运营", "道路破损修复",
    "污水管网改造",     "农村人居环境整治", "乡村振兴产业发展",   "农村饮水安全"};
constexpr string_view kProfessionalTopics[] = {
    "课后延时服务",     "校园周边安全",     "家庭教育指导",   "基层医疗服务能力",
    "家庭医生签约服务", "科普进社区",       "青少年心理健康", "职业技能培训",
    "义务教育减负",     "医保报销政策宣传", "科技成果转化",   "基层卫生人才队伍"};
constexpr string_view kSectorTopics[] = {
    "青年就业创业", "妇女儿童权益保护", "民营企业发展信心", "基层协商民主",         "凝聚共识宣讲",
    "归侨侨眷服务", "社情民意收集",     "困难群众帮扶",     "新就业形态劳动者权益", "志愿服务"};

constexpr string_view kChannelNames[] = {"visit",  "reception", "phone",
                                         "online", "platform",  "activity"};
constexpr string_view kFormNames[] = {"meeting", "research", "forum", "joint"};
constexpr string_view kFormSuffixes[] = {"专题协商会", "专题调研", "协商议事会", "联合协商"};
constexpr string_view kOutcomes[] = {"形成协商意见3条，报送区政府参考",
                                     "达成共识，由街道牵头抓落实",
                                     "形成调研报告1篇",
                                     "梳理问题清单并明确责任单位",
                                     "形成社情民意信息1篇上报区政协",
                                     "转化为委员提案1件",
                                     "推动相关部门现场答复群众关切",
                                     "建立问题跟踪督办台账",
                                     "形成工作建议并抄送相关部门",
                                     "协商确定整改时间表"};
constexpr string_view kIndustryPartners[] = {"区商贸物流协会", "区工商联",
                                             "区总商会",       "公路物流基地管委会",
                                             "区电子商务协会", "区餐饮行业协会"};
constexpr string_view kInterestPartners[] = {"区美术家协会", "区摄影家协会", "区文化馆", "区图书馆",
                                             "区体育总会"};
constexpr string_view kLocalityPartners[] = {"社区居民委员会", "街道办事处", "物业服务企业",
                                             "业主委员会",     "村民委员会", "区城市管理局"};
constexpr string_view kProfessionalPartners[] = {
    "区教师进修学院", "区人民医院", "区科协", "区中医院", "重庆理工大学", "区疾病预防控制中心"};
constexpr string_view kSectorPartners[] = {"团区委", "区妇联",     "区总工会",
                                           "区侨联", "区委统战部", "区青年联合会"};

constexpr string_view kDisputes[] = {
    "楼上漏水引发邻里纠纷", "物业费收缴争议",       "农民工工资拖欠纠纷",   "土地流转租金纠纷",
    "商铺租赁合同纠纷",     "装修噪音引发邻里矛盾", "小区公共收益分配争议", "宠物扰民纠纷"};
constexpr string_view kRequests[] = {
    "申请修复损坏路灯",     "协调小区充电桩安装", "帮助困难家庭申请临时救助", "协调滞销农产品销路",
    "协助企业招聘技术工人", "咨询子女入学政策",   "协调修复破损人行道",       "申请增设公交站点"};
constexpr string_view kOutcomeNames[] = {"resolved", "referred", "withdrawn"};
constexpr string_view kResolvedSummaries[] = {
    "经委员上门调解，双方达成一致", "协调相关部门解决，群众表示满意", "已办结并回访，问题得到解决",
    "委员牵头协调，问题已妥善处理"};
constexpr string_view kReferredSummaries[] = {"已转交街道办事处依法处理", "已转相关职能部门办理",
                                              "涉及诉讼事项，已引导通过司法途径解决"};
constexpr string_view kWithdrawnSummaries[] = {"当事人自行协商解决，撤回诉求", "当事人撤回申请"};

constexpr string_view kSuggestionChannels[] = {"proposal", "opinion", "report"};
constexpr string_view kAdoptedBy[] = {
    "区政府办公室", "区商务委",     "区住房城乡建委", "区交通局",     "区教委",
    "区卫生健康委", "区农业农村委", "区城市管理局",   "区生态环境局", "区民政局"};
constexpr string_view kRuleTitles[] = {"委员工作室工作规则",     "委员联系界别群众制度",
                                       "委员工作室协商议事规则", "社情民意收集报送制度",
                                       "矛盾纠纷调处工作流程",   "委员工作室学习制度",
                                       "工作台账管理制度",       "委员履职积分管理办法"};
constexpr size_t kRuleTitleCount = std::size(kRuleTitles);

constexpr string_view kVisitNotes[] = {
    "查阅工作台账，现场了解委员履职情况", "与牵头委员座谈，了解工作室运行情况",
    "检查工作制度建立和上墙情况",         "抽查联系群众记录并电话回访",
    "督导年度目标任务推进情况",           "现场观摩协商议事活动",
    "了解矛盾纠纷调处和办实事情况",       "核查建言资政成果转化情况"};
constexpr string_view kSuspensionVisitNote = "专项督导：工作室长期未开展活动，约谈牵头委员";

enum Severity : uint8_t { kLow, kMedium, kHigh };
constexpr string_view kSeverityNames[] = {"low", "medium", "high"};
// Finding texts, grouped: [0, 3) low, [3, 7) medium, [7, 10) high, then the special ones.
constexpr string_view kFindingTexts[] = {"活动台账记录不规范",
                                         "部分活动照片资料缺失",
                                         "工作室标识标牌不规范",
                                         "工作制度未上墙、执行不到位",
                                         "委员参与活动积极性不高",
                                         "群众诉求办理反馈不及时",
                                         "协商成果转化不够",
                                         "联系群众记录与实际不符",
                                         "矛盾纠纷台账缺失",
                                         "长期未开展协商活动",
                                         "存在月底集中补录台账现象，记录不及时",
                                         "活动记录与发生时间间隔过长，存在形式化倾向",
                                         "工作室长期未开展活动，委员联系群众台账空白",
                                         "活动明显减少，工作室运行趋于停滞"};
constexpr uint8_t kFindingBySeverity[][2] = {{0, 3}, {3, 7}, {7, 10}};
constexpr uint8_t kFindingBackfill = 10;  // two texts
constexpr uint8_t kFindingHollow = 12;    // high; 13 is medium
constexpr string_view kRectifications[] = {"已完善台账并建立专人记录制度", "已补齐资料并通过复查",
                                           "已制定整改方案并落实到位", "已组织委员专题学习并整改",
                                           "经复查，问题已整改到位"};
constexpr string_view kSuspendReason = "督导发现工作室长期未开展活动，暂停运行并限期整改";
constexpr string_view kReactivateReason = "整改到位，经联络委复核恢复运行";
constexpr string_view kRetractionReasons[] = {"重复录入，予以撤回", "活动未实际开展，予以撤回",
                                              "误录至本工作室，予以撤回"};
constexpr string_view kDuplicateVisitReason = "督导记录重复录入，予以撤回";

// Per link type: spontaneous mix (contact, consultation, case, suggestion), contact
// channels, consultation forms and the share of cases that are disputes (percent).
constexpr std::array<uint32_t, 4> kMix[] = {
    {56, 20, 6, 7}, {66, 14, 3, 3}, {55, 12, 14, 5}, {50, 24, 4, 8}, {58, 18, 5, 6}};
constexpr std::array<uint32_t, 6> kChannelWeights[] = {{25, 15, 15, 15, 15, 15},
                                                       {15, 5, 5, 15, 10, 50},
                                                       {30, 28, 10, 5, 20, 7},
                                                       {25, 15, 10, 20, 15, 15},
                                                       {25, 15, 10, 15, 20, 15}};
constexpr std::array<uint32_t, 4> kFormWeights[] = {
    {30, 25, 10, 35}, {40, 15, 35, 10}, {45, 20, 20, 15}, {20, 50, 20, 10}, {40, 20, 25, 15}};
constexpr uint32_t kDisputePercent[] = {30, 25, 55, 20, 30};
constexpr int kPeopleReached[][2] = {{1, 30}, {3, 60}, {1, 3}, {0, 150}, {5, 200}, {15, 200}};
constexpr int kAttendees[][2] = {{6, 40}, {4, 20}, {15, 120}, {8, 60}};

size_t Pick6(Rng& rng, const std::array<uint32_t, 6>& w) {
  return rng.Weighted({w[0], w[1], w[2], w[3], w[4], w[5]});
}
size_t Pick4(Rng& rng, const std::array<uint32_t, 4>& w) {
  return rng.Weighted({w[0], w[1], w[2], w[3]});
}

template <size_t N>
constexpr std::pair<const string_view*, size_t> Span(const string_view (&items)[N]) {
  return {items, N};
}
constexpr std::pair<const string_view*, size_t> kTopicsByLink[] = {
    Span(kIndustryTopics), Span(kInterestTopics), Span(kLocalityTopics), Span(kProfessionalTopics),
    Span(kSectorTopics)};
constexpr std::pair<const string_view*, size_t> kPartnersByLink[] = {
    Span(kIndustryPartners), Span(kInterestPartners), Span(kLocalityPartners),
    Span(kProfessionalPartners), Span(kSectorPartners)};

// ----------------------------------------------------------------- activity calendar

enum Profile : uint8_t {
  kProfileNormal,
  kProfileSchool,   // professional studios: fewer events in Feb and Jul–Aug
  kProfileHollowA,  // quiet Jun–Sep 2025, suspended 2025-09-22 .. 2025-11-14
  kProfileHollowB,  // quiet Dec 2025–Mar 2026, suspended 2026-03-16 .. 2026-05-08
  kProfileHollowC,  // quiet from May 2026, nothing at all from 2026-07-21 (inactive)
  kProfiles
};

// A hollow period: low weight, then zero (suspended, or dead), then recovering at half.
struct HollowWindow {
  int low_begin;
  int zero_begin;  // first day with weight 0; the suspension day
  int zero_end;    // last day with weight 0; the reactivation day
  int recover_end;
  uint32_t low_per_mille;  // weight multiplier in the quiet months
};
constexpr HollowWindow kHollowWindows[] = {
    {DayIndex(2025, 6, 1), DayIndex(2025, 9, 22), DayIndex(2025, 11, 14), DayIndex(2025, 12, 31),
     30},
    {DayIndex(2025, 12, 1), DayIndex(2026, 3, 16), DayIndex(2026, 5, 8), DayIndex(2026, 6, 30), 30},
    {DayIndex(2026, 5, 1), DayIndex(2026, 7, 21), kHistoryDays - 1, kHistoryDays - 1, 50}};

bool Suspends(Profile p) { return p == kProfileHollowA || p == kProfileHollowB; }
bool IsHollow(Profile p) { return p >= kProfileHollowA && p <= kProfileHollowC; }
const HollowWindow& WindowOf(Profile p) { return kHollowWindows[p - kProfileHollowA]; }

// Working hours in which slots fall: 08:00 .. 21:00.
constexpr int kSlotFirstMinute = 8 * 60;
constexpr int kSlotMinutes = 13 * 60;

// Day weights of each profile (1000 = an ordinary weekday) and their prefix sums; maps
// between time and warped time. Warped time counts weighted working minutes: minute m of
// day d is at cumulative[d] + weight[d] * m, and cumulative[d + 1] = cumulative[d] +
// weight[d] * 780.
class Calendar {
 public:
  Calendar() {
    for (int p = 0; p < kProfiles; ++p) {
      cumulative_[p][0] = 0;
      for (int d = 0; d < kHistoryDays; ++d) {
        weights_[p][d] = Weight(static_cast<Profile>(p), d);
        cumulative_[p][d + 1] = cumulative_[p][d] + int64_t{weights_[p][d]} * kSlotMinutes;
      }
    }
  }

  // Warped position of minute `minute` (0..780) of working hours on `day`.
  int64_t Warp(Profile p, int day, int minute) const {
    return cumulative_[p][day] + int64_t{weights_[p][day]} * minute;
  }
  int64_t End(Profile p) const { return cumulative_[p][kHistoryDays]; }

  // The time (whole minutes) at warped position x. *day is a cursor that must not be
  // past x's day; it only moves forward, so a studio's whole stream costs O(days).
  int64_t Unwarp(Profile p, int64_t x, int* day) const {
    while (*day + 1 < kHistoryDays && cumulative_[p][*day + 1] <= x) ++*day;
    const int64_t w = weights_[p][*day];
    const int64_t minute = w > 0 ? (x - cumulative_[p][*day]) / w : 0;
    return At(*day, 0, kSlotFirstMinute) +
           std::clamp<int64_t>(minute, 0, kSlotMinutes - 1) * kMinute;
  }

 private:
  static uint32_t BaseWeight(int day) {
    const Civil c = CivilFromDay(day);
    const int wd = Weekday(day);
    uint32_t w = wd == 5 ? 600 : (wd == 6 ? 450 : 1000);
    const bool spring_festival = (day >= DayIndex(2025, 1, 27) && day <= DayIndex(2025, 2, 4)) ||
                                 (day >= DayIndex(2026, 2, 14) && day <= DayIndex(2026, 2, 22));
    if (spring_festival) {
      w = 150;
    } else if (c.m == 10 && c.d <= 7) {
      w = 350;
    } else if (c.m == 5 && c.d <= 5) {
      w = 500;
    }
    return w;
  }

  static uint32_t Weight(Profile p, int day) {
    const uint32_t w = BaseWeight(day);
    if (p == kProfileSchool) {
      const unsigned m = CivilFromDay(day).m;
      return m == 2 || m == 7 || m == 8 ? w * 3 / 10 : w;
    }
    if (!IsHollow(p)) return w;
    const HollowWindow& h = WindowOf(p);
    if (day >= h.low_begin && day < h.zero_begin) return w * h.low_per_mille / 1000;
    if (day >= h.zero_begin && day <= h.zero_end) return 0;
    if (day > h.zero_end && day <= h.recover_end) return w / 2;
    return w;
  }

  std::array<std::array<uint32_t, kHistoryDays>, kProfiles> weights_;
  std::array<std::array<int64_t, kHistoryDays + 1>, kProfiles> cumulative_;
};

// ----------------------------------------------------------------------------- plan

enum class Role : uint8_t { kNormal, kModel, kHollow, kBackfill };

// A supervision item at a fixed time, independent of the studio's own activity.
enum class FreeKind : uint8_t {
  kVisit,
  kDuplicateVisit,
  kRetractDuplicate,
  kFinding,
  kSuspend,
  kReactivate
};
struct FreeItem {
  int64_t at;
  FreeKind kind;
  uint8_t text;        // visit note or finding text
  Severity severity;   // findings
  uint16_t due_days;   // findings: dueOn = raised date + due_days
  int64_t rectify_at;  // findings: when the studio rectifies it, or kNever
};

// Something a studio will do once its time has come: a join (id = member), a rule
// (id = title), a resolution (id = case), an adoption (id = suggestion) or a rectification
// (id = finding).
struct Due {
  int64_t at;
  uint32_t id;
  uint8_t extra;  // cases: 0 dispute, 1 request
};

// A recent contact or consultation: enough to write its complete data again.
struct Activity {
  uint64_t seq = 0;  // 0: empty
  bool consultation = false;
  uint8_t member_count = 0;
  uint8_t partner_count = 0;
  uint8_t channel_or_form = 0;
  uint8_t outcome = 0;
  uint32_t people_or_attendees = 0;
  std::array<uint32_t, 3> members{};
  std::array<uint8_t, 3> partners{};
  string_view topic;
};

constexpr size_t kRingSize = 8;
constexpr size_t kOpenCasesMax = 24;
constexpr size_t kPendingAdoptionsMax = 16;

enum class Pending : uint8_t { kLicense, kSlot, kFree };
constexpr int64_t kUnknown = -1;

struct Studio {
  // Static facts.
  uint32_t index = 0;
  LinkType link = kIndustry;
  Role role = Role::kNormal;
  Profile profile = kProfileNormal;
  CommitteeIndex committee = kEcon;
  uint8_t batch = 1;
  uint32_t kind = 0;    // into the link type's kinds (or kTowns for locality)
  uint32_t serial = 1;  // 2.. for a repeated name
  int license_day = 0;
  uint64_t intensity = 1000;  // per mille of an ordinary studio's activity
  Rng rng;

  // The stream.
  uint64_t slots = 0;
  uint64_t slots_done = 0;
  int64_t warp_begin = 0;
  int64_t warp_end = 0;
  int day_cursor = 0;
  std::vector<FreeItem> free;
  size_t free_next = 0;
  Pending pending = Pending::kLicense;
  int64_t pending_at = 0;
  int64_t slot_at = kUnknown;  // time of the next slot once drawn
  int64_t last_recorded = 0;
  uint32_t leave_per_million = 0;

  // What the ledger knows about the studio.
  bool suspended = false;
  std::vector<uint32_t> members;
  std::vector<Due> joins, rules, cases, adoptions, rectifications;
  uint32_t case_count = 0, suggestion_count = 0, finding_count = 0, visit_count = 0, rule_count = 0;
  std::array<Activity, kRingSize> ring{};
  size_t ring_next = 0;
  uint64_t duplicate_visit_seq = 0;

  int64_t LicenseTime() const { return At(license_day, 10, 0); }
};

// Licensing dates of the batches (batch 1 is the first eight studios).
constexpr int kBatchDays[] = {DayIndex(2024, 11, 8), DayIndex(2025, 5, 20), DayIndex(2026, 1, 13),
                              DayIndex(2026, 6, 18)};

// The first batch: all five link types, the model commerce & logistics studio first.
struct FirstBatchStudio {
  LinkType link;
  uint32_t kind;
  Role role;
  Profile profile;
};
constexpr FirstBatchStudio kFirstBatch[] = {{kIndustry, 0, Role::kModel, kProfileNormal},
                                            {kLocality, 0, Role::kNormal, kProfileNormal},
                                            {kProfessional, 0, Role::kNormal, kProfileSchool},
                                            {kInterest, 0, Role::kHollow, kProfileHollowA},
                                            {kSector, 0, Role::kNormal, kProfileNormal},
                                            {kLocality, 1, Role::kBackfill, kProfileNormal},
                                            {kIndustry, 1, Role::kHollow, kProfileHollowC},
                                            {kProfessional, 1, Role::kNormal, kProfileSchool}};
constexpr uint32_t kFirstBatchSize = std::size(kFirstBatch);
constexpr uint32_t kLiaisonMembers = 6;

const StudioKind& KindOf(LinkType link, uint32_t kind) {
  switch (link) {
    case kIndustry:
      return kIndustryKinds[kind];
    case kInterest:
      return kInterestKinds[kind];
    case kProfessional:
      return kProfessionalKinds[kind];
    default:
      return kSectorKinds[kind];
  }
}
size_t KindCount(LinkType link) {
  switch (link) {
    case kIndustry:
      return std::size(kIndustryKinds);
    case kInterest:
      return std::size(kInterestKinds);
    case kLocality:
      return std::size(kTowns);
    case kProfessional:
      return std::size(kProfessionalKinds);
    default:
      return std::size(kSectorKinds);
  }
}

int Digits(uint64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// ------------------------------------------------------------------------ generator

class Generator {
 public:
  Generator(const DemoOptions& options, const std::function<void(const DemoEvent&)>& sink)
      : options_(options), sink_(sink), rng_(options.seed), writer_(&event_.json) {}

  void Run();

 private:
  struct QueueEntry {
    int64_t recorded;
    uint64_t order;
    uint32_t studio;
    bool operator>(const QueueEntry& o) const {
      return recorded != o.recorded ? recorded > o.recorded : order > o.order;
    }
  };

  // Planning.
  void PlanStudios();
  void PlanStudio(Studio* s, LinkType link, uint32_t kind, Role role, Profile profile);
  void PlanLater(Studio* s, uint32_t* kind_counters);
  void PlanMemberships(Studio* s);
  void PlanSupervision(Studio* s, uint64_t estimate);
  void PlanVisitFindings(Studio* s, int64_t visit_at);
  void PlanSuspension(Studio* s);
  void AllocateSlots();
  uint32_t PickPoolMember(Studio* s, const std::vector<Due>& pending);

  // Emission.
  bool Emit(int64_t recorded);
  void EmitRegistry();
  void EmitMember(uint32_t m, int64_t recorded);
  void Schedule(Studio* s);
  int64_t NextSlotTime(Studio* s);
  int64_t ActivityDelay(Studio* s, int64_t occurred);
  void EmitStudioEvent(Studio* s);
  void EmitLicense(Studio* s);
  void EmitFree(Studio* s, const FreeItem& item);
  void EmitVisit(Studio* s, string_view note);
  void EmitFinding(Studio* s, const FreeItem& item);
  void EmitSlot(Studio* s, int64_t t);
  bool EmitDue(Studio* s, int64_t t);
  void EmitSpontaneous(Studio* s, int64_t t);
  void EmitJoin(Studio* s, uint32_t member);
  void EmitLeave(Studio* s, int64_t t);
  void EmitRule(Studio* s, uint32_t title);
  void EmitResolution(Studio* s, const Due& c);
  void EmitAdoption(Studio* s, uint32_t suggestion);
  void EmitRectification(Studio* s, uint32_t finding);
  void EmitContact(Studio* s);
  void EmitConsultation(Studio* s);
  void EmitCaseOpened(Studio* s, int64_t t);
  void EmitSuggestion(Studio* s, int64_t t);
  bool EmitCorrection(Studio* s);
  bool EmitRetraction(Studio* s);
  void WriteActivityData(const Studio& s, const Activity& a);
  void Remember(Studio* s, const Activity& a);
  uint8_t PickMembers(Studio* s, std::array<uint32_t, 3>* out);
  void WriteMembers(string_view key, const uint32_t* members, size_t n);
  void BeginStudioEvent(Studio* s, string_view type);

  // Names and ids.
  std::string MemberName(uint32_t m) const;
  std::string StudioName(const Studio& s) const;
  void StudioId(const Studio& s) { writer_.Id("studio", "S", s.index + 1, studio_width_); }

  const DemoOptions& options_;
  const std::function<void(const DemoEvent&)>& sink_;
  Rng rng_;
  Calendar calendar_;
  DemoEvent event_;
  EventWriter writer_;
  std::vector<Studio> studios_;
  uint32_t member_count_ = 0;
  uint32_t pool_begin_ = 0;
  int studio_width_ = 2;
  int member_width_ = 3;
  uint64_t emitted_ = 0;
  int64_t pending_occurred_ = 0;  // occurredAt of the event being written
  uint64_t order_ = 0;
  std::priority_queue<QueueEntry, std::vector<QueueEntry>, std::greater<QueueEntry>> queue_;
};

// The whole run: plan, registry, then the merged studio streams until `events` are out.
void Generator::Run() {
  PlanStudios();
  AllocateSlots();
  EmitRegistry();
  for (Studio& s : studios_) Schedule(&s);
  while (!queue_.empty() && emitted_ < options_.events) {
    const QueueEntry top = queue_.top();
    queue_.pop();
    EmitStudioEvent(&studios_[top.studio]);
  }
}

// Studio count, batches, roles and profiles; members; the per-studio plans.
void Generator::PlanStudios() {
  const uint32_t count = kFirstBatchSize + static_cast<uint32_t>(options_.events / 2000);
  member_count_ = 3 * count + 8;
  pool_begin_ = count + kLiaisonMembers;
  studio_width_ = std::max(2, Digits(count));
  member_width_ = std::max(3, Digits(member_count_));
  studios_.resize(count);
  const uint32_t later = count - kFirstBatchSize;
  const uint32_t batch2 = later < 20 ? (later * 3 + 4) / 5 : later * 45 / 100;
  const uint32_t batch3 = later < 20 ? later - batch2 : later * 35 / 100;
  uint32_t kind_counters[kLinkTypes] = {2, 1, 2, 2, 1};
  for (uint32_t i = 0; i < count; ++i) {
    Studio* s = &studios_[i];
    s->index = i;
    s->rng = Rng(options_.seed ^ (0xA0761D6478BD642FULL * (i + 1)));
    if (i < kFirstBatchSize) {
      s->batch = 1;
      const FirstBatchStudio& f = kFirstBatch[i];
      PlanStudio(s, f.link, f.kind, f.role, f.profile);
      continue;
    }
    const uint32_t j = i - kFirstBatchSize;
    s->batch = j < batch2 ? 2 : (j < batch2 + batch3 ? 3 : 4);
    PlanLater(s, kind_counters);
  }
}

// Fills the facts of a studio licensed after the first batch.
void Generator::PlanLater(Studio* s, uint32_t* kind_counters) {
  s->license_day = kBatchDays[s->batch - 1];
  const LinkType link = static_cast<LinkType>(rng_.Weighted({25, 12, 30, 15, 18}));
  const uint32_t k = kind_counters[link]++;
  const uint32_t n = static_cast<uint32_t>(KindCount(link));
  s->serial = k / n + 1;
  const uint32_t number = s->index + 1;
  Role role = Role::kNormal;
  if (number % 40 == 12) role = Role::kHollow;
  if (number % 40 == 10) role = Role::kBackfill;
  Profile profile = link == kProfessional ? kProfileSchool : kProfileNormal;
  if (role == Role::kHollow) {
    profile = s->license_day < DayIndex(2025, 11, 1) ? kProfileHollowB : kProfileHollowC;
  }
  PlanStudio(s, link, k % n, role, profile);
}

void Generator::PlanStudio(Studio* s, LinkType link, uint32_t kind, Role role, Profile profile) {
  s->link = link;
  s->kind = kind;
  s->role = role;
  s->profile = profile;
  if (s->batch == 1) s->license_day = kBatchDays[0];
  if (link == kLocality) {
    const bool town = kTowns[kind].ends_with("镇");
    s->committee = rng_.Percent(25) ? kEnv : (town ? kAgri : kLaw);
  } else {
    s->committee = KindOf(link, kind).committee;
  }
  s->intensity = role == Role::kModel    ? 2500
                 : role == Role::kNormal ? static_cast<uint64_t>(rng_.Range(700, 1300))
                                         : 1000;
  const int minute = 150;  // 10:30, half an hour after the licensing at 10:00
  s->warp_begin = calendar_.Warp(profile, s->license_day, minute);
  s->warp_end = calendar_.End(profile);
  s->day_cursor = s->license_day;
  s->members.push_back(s->index);  // the lead member is member index == studio index
  PlanMemberships(s);
}

// Joins planned shortly after licensing, and the work rules of the first months.
void Generator::PlanMemberships(Studio* s) {
  const int64_t license = s->LicenseTime();
  const int64_t joiners = s->role == Role::kModel ? s->rng.Range(5, 6) : s->rng.Range(2, 4);
  for (int64_t i = 0; i < joiners; ++i) {
    const uint32_t m = PickPoolMember(s, s->joins);
    if (m == 0) break;
    s->joins.push_back(Due{license + s->rng.Range(1, 45) * kDay, m, 0});
  }
  int64_t rules = s->rng.Range(1, 3);
  if (s->role == Role::kHollow || s->rng.Percent(8)) rules = 0;
  uint32_t first_title = static_cast<uint32_t>(s->rng.Below(kRuleTitleCount));
  for (int64_t i = 0; i < rules; ++i) {
    const uint32_t title = static_cast<uint32_t>((first_title + i * 3) % kRuleTitleCount);
    s->rules.push_back(Due{license + s->rng.Range(7, 120) * kDay, title, 0});
  }
}

// A member of the ordinary pool who is neither in the studio nor about to join it, or 0
// (never a pool member) when none is found.
uint32_t Generator::PickPoolMember(Studio* s, const std::vector<Due>& pending) {
  const uint32_t pool = member_count_ - pool_begin_;
  for (int attempt = 0; attempt < 32; ++attempt) {
    const uint32_t m = pool_begin_ + static_cast<uint32_t>(s->rng.Below(pool));
    const bool in = std::find(s->members.begin(), s->members.end(), m) != s->members.end();
    const bool coming =
        std::any_of(pending.begin(), pending.end(), [m](const Due& d) { return d.id == m; });
    if (!in && !coming) return m;
  }
  return 0;
}

// Splits the events left after the registry, licenses and supervision into activity
// slots, in proportion to each studio's intensity and warped lifetime (largest remainder).
void Generator::AllocateSlots() {
  const uint64_t fixed = kCommitteeCount + member_count_ + studios_.size();
  const uint64_t base = options_.events > fixed ? options_.events - fixed : 0;
  std::vector<uint64_t> weight(studios_.size());
  uint64_t total = 0;
  for (size_t i = 0; i < studios_.size(); ++i) {
    const Studio& s = studios_[i];
    weight[i] =
        s.intensity * static_cast<uint64_t>(std::max<int64_t>(1, s.warp_end - s.warp_begin));
    total += weight[i];
  }
  uint64_t free = 0;
  for (size_t i = 0; i < studios_.size(); ++i) {
    PlanSupervision(&studios_[i], static_cast<uint64_t>(Uint128{base} * weight[i] / total));
    free += studios_[i].free.size();
  }
  const uint64_t slots = base > free ? base - free : 0;
  std::vector<std::pair<uint64_t, size_t>> remainders;  // (remainder, studio)
  uint64_t given = 0;
  for (size_t i = 0; i < studios_.size(); ++i) {
    const Uint128 exact = Uint128{slots} * weight[i];
    studios_[i].slots = static_cast<uint64_t>(exact / total);
    given += studios_[i].slots;
    remainders.push_back({static_cast<uint64_t>(exact % total), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < slots && i < remainders.size(); ++i, ++given) {
    ++studios_[remainders[i].second].slots;
  }
  for (Studio& s : studios_) {
    // About 0.6 departures over a studio's life (fewer when it has few slots), and no
    // more planned joins than a sixth of its slots.
    s.leave_per_million =
        static_cast<uint32_t>(std::min<uint64_t>(600000 / std::max<uint64_t>(s.slots, 1), 10000));
    const size_t joins_max = std::max<size_t>(1, s.slots / 6);
    if (s.joins.size() > joins_max) s.joins.resize(joins_max);
  }
}

// Periodic visits by the liaison committee's working group (every 4–7 months, at most
// estimate/40 of them), their findings, and the suspension of a hollow studio.
void Generator::PlanSupervision(Studio* s, uint64_t estimate) {
  const int cap = static_cast<int>(std::clamp<uint64_t>(estimate / 40, 1, 8));
  int day = s->license_day + static_cast<int>(s->rng.Range(60, 100));
  for (int visits = 0; visits < cap && day <= kHistoryDays - 6; ++visits) {
    // One draw per statement: the order of operands and arguments is unspecified.
    const int hour = static_cast<int>(s->rng.Range(9, 15));
    const int64_t at = At(day, hour, static_cast<int>(s->rng.Range(0, 3)) * 15);
    const uint8_t note = static_cast<uint8_t>(s->rng.Below(std::size(kVisitNotes)));
    s->free.push_back(FreeItem{at, FreeKind::kVisit, note, kLow, 0, kNever});
    if (s->rng.Percent(4)) {  // recorded twice by mistake, retracted a few days later
      s->free.push_back(
          FreeItem{at + 5 * kMinute, FreeKind::kDuplicateVisit, note, kLow, 0, kNever});
      s->free.push_back(FreeItem{at + s->rng.Range(1, 3) * kDay, FreeKind::kRetractDuplicate, 0,
                                 kLow, 0, kNever});
    }
    PlanVisitFindings(s, at);
    day += static_cast<int>(s->rng.Range(120, 200));
  }
  if (Suspends(s->profile)) PlanSuspension(s);
  std::stable_sort(s->free.begin(), s->free.end(),
                   [](const FreeItem& a, const FreeItem& b) { return a.at < b.at; });
}

// 0–2 findings raised within three days of a visit; most are rectified, some after their
// due date, some never (they stay overdue).
void Generator::PlanVisitFindings(Studio* s, int64_t visit_at) {
  const size_t findings = s->rng.Weighted({35, 45, 20});
  for (size_t i = 0; i < findings; ++i) {
    const int64_t days = s->rng.Range(0, 3);
    const int64_t at = visit_at + days * kDay + s->rng.Range(1, 3) * kHour;
    Severity severity = static_cast<Severity>(s->rng.Weighted({45, 40, 15}));
    uint8_t text = static_cast<uint8_t>(
        s->rng.Range(kFindingBySeverity[severity][0], kFindingBySeverity[severity][1] - 1));
    if (s->role == Role::kBackfill && s->rng.Percent(50)) {
      severity = kMedium;
      text = static_cast<uint8_t>(kFindingBackfill + s->rng.Below(2));
    } else if (s->role == Role::kHollow && s->rng.Percent(50)) {
      severity = kMedium;
      text = kFindingHollow + 1;
    }
    const uint16_t due = severity == kHigh ? 20 : (severity == kMedium ? 30 : 45);
    const int64_t rectify = s->rng.Percent(85) ? at + s->rng.Range(5, due + 15) * kDay : kNever;
    s->free.push_back(FreeItem{at, FreeKind::kFinding, text, severity, due, rectify});
  }
}

// A special visit three days before the zero-weight window, a high finding, suspension on
// its first day and reactivation on its last; the finding is rectified after that.
void Generator::PlanSuspension(Studio* s) {
  const HollowWindow& h = WindowOf(s->profile);
  const int64_t visit = At(h.zero_begin - 3, 10, 0);
  const uint16_t due = static_cast<uint16_t>(h.zero_end - DayOf(visit));
  const int64_t rectify = At(h.zero_end + 1, 9, 0) + s->rng.Range(0, 9) * kDay;
  s->free.push_back(FreeItem{visit, FreeKind::kVisit, 255, kHigh, 0, kNever});
  s->free.push_back(
      FreeItem{visit + 2 * kHour, FreeKind::kFinding, kFindingHollow, kHigh, due, rectify});
  s->free.push_back(FreeItem{At(h.zero_begin, 9, 30), FreeKind::kSuspend, 0, kLow, 0, kNever});
  s->free.push_back(FreeItem{At(h.zero_end, 15, 0), FreeKind::kReactivate, 0, kLow, 0, kNever});
}

// ------------------------------------------------------------------------- emission

// Hands the event in writer_ to the sink; false once `events` have been emitted.
bool Generator::Emit(int64_t recorded) {
  if (emitted_ >= options_.events) return false;
  event_.recorded_at.clear();
  AppendTime(&event_.recorded_at, recorded);
  ++emitted_;
  sink_(event_);
  return true;
}

std::string Generator::MemberName(uint32_t m) const {
  constexpr uint64_t kNames =
      std::size(kSurnames) * std::size(kGivenFirst) * std::size(kGivenSecond);
  const uint64_t k = (m * 7919ULL + options_.seed % kNames) % kNames;
  std::string name(kSurnames[k % std::size(kSurnames)]);
  name += kGivenFirst[k / std::size(kSurnames) % std::size(kGivenFirst)];
  name += kGivenSecond[k / (std::size(kSurnames) * std::size(kGivenFirst))];
  return name;
}

std::string Generator::StudioName(const Studio& s) const {
  std::string name(s.link == kLocality ? kTowns[s.kind] : KindOf(s.link, s.kind).stem);
  if (s.serial > 1) {
    name += "第";
    AppendDigits(&name, s.serial, 1);
  }
  name += "委员工作室";
  return name;
}

// Committees, then members, all on 2024-11-01 (one second apart).
void Generator::EmitRegistry() {
  const int64_t committees_at = At(0, 9, 0);
  for (size_t c = 0; c < kCommitteeCount; ++c) {
    writer_.Begin(emitted_ + 1, "CommitteeRegistered", committees_at);
    writer_.Text("committee", kCommittees[c].id);
    writer_.Text("name", kCommittees[c].name);
    writer_.Bool("supervises", c == kLiaison);
    writer_.End();
    if (!Emit(committees_at + static_cast<int64_t>(c))) return;
  }
  const int64_t members_at = At(0, 9, 30);
  for (uint32_t m = 0; m < member_count_; ++m) {
    EmitMember(m, members_at + m);
    if (emitted_ >= options_.events) return;
  }
}

// Leads have their studio's sector and committee; liaison members sit on the liaison
// committee; the others are drawn at random.
void Generator::EmitMember(uint32_t m, int64_t recorded) {
  const uint32_t studio_count = static_cast<uint32_t>(studios_.size());
  string_view sector = rng_.Pick(kSectors);
  uint32_t first = 1 + static_cast<uint32_t>(rng_.Below(kCommitteeCount - 1));
  if (m < studio_count) {
    const Studio& s = studios_[m];
    sector = s.link == kLocality ? rng_.Pick(kLocalitySectors) : KindOf(s.link, s.kind).lead_sector;
    first = s.committee;
  } else if (m < pool_begin_) {
    first = kLiaison;
  }
  uint32_t second = 1 + static_cast<uint32_t>(rng_.Below(kCommitteeCount - 1));
  const bool two = second != first && rng_.Percent(30);
  writer_.Begin(emitted_ + 1, "MemberRegistered", At(0, 9, 30));
  writer_.Id("member", "M", m + 1, member_width_);
  writer_.Text("name", MemberName(m));
  writer_.Text("sector", sector);
  writer_.BeginList("committees");
  writer_.ListText(kCommittees[first].id);
  if (two) writer_.ListText(kCommittees[second].id);
  writer_.EndList();
  writer_.End();
  Emit(recorded);
}

// Decides when the studio's next event occurs and is recorded, and queues it.
void Generator::Schedule(Studio* s) {
  int64_t occurred = 0;
  int64_t recorded = 0;
  if (s->pending == Pending::kLicense) {
    occurred = s->LicenseTime();
    recorded = occurred + s->rng.Range(20 * 60, 120 * 60);
  } else {
    if (s->slot_at == kUnknown && s->slots_done < s->slots) s->slot_at = NextSlotTime(s);
    const int64_t slot = s->slots_done < s->slots ? s->slot_at : kNever;
    const int64_t free = s->free_next < s->free.size() ? s->free[s->free_next].at : kNever;
    if (slot == kNever && free == kNever) return;  // the stream is exhausted
    if (free <= slot) {
      s->pending = Pending::kFree;
      occurred = free;
      recorded = occurred + s->rng.Range(10 * 60, 480 * 60);
    } else {
      s->pending = Pending::kSlot;
      occurred = slot;
      recorded = occurred + ActivityDelay(s, occurred);
    }
  }
  if (recorded > kLastRecording) recorded = kLastRecording + s->rng.Range(0, 3599);
  s->pending_at = occurred;
  s->last_recorded = std::max(recorded, s->last_recorded);
  queue_.push(QueueEntry{s->last_recorded, order_++, s->index});
}

// The time of the next slot: slot k is uniform in the k-th of `slots` equal parts of the
// studio's warped lifetime, so slot times increase. Drawn once per slot (kept in slot_at).
int64_t Generator::NextSlotTime(Studio* s) {
  const uint64_t span = static_cast<uint64_t>(s->warp_end - s->warp_begin);
  const uint64_t position = (s->slots_done << 32) | (s->rng.Next() >> 32);  // k + u, u in [0,1)
  const int64_t x =
      s->warp_begin + static_cast<int64_t>(Uint128{span} * position / (Uint128{s->slots} << 32));
  const int64_t t = calendar_.Unwarp(s->profile, x, &s->day_cursor);
  return std::max(t, s->LicenseTime() + 30 * kMinute);
}

// Normal studios record within 0–2 days. Backfilling studios record most activity in
// bulk on the 15th or the last day of a month, 10–27 days after it happened.
int64_t Generator::ActivityDelay(Studio* s, int64_t occurred) {
  const int day = DayOf(occurred);
  if (s->role == Role::kBackfill && day >= s->license_day + 45 && s->rng.Percent(85)) {
    const int target = day + 11;
    const Civil c = CivilFromDay(target);
    const unsigned bulk = c.d <= 15 ? 15 : DaysInMonth(c.y, c.m);
    const int bulk_day = target + static_cast<int>(bulk - c.d);
    return At(bulk_day, 19, 0) + s->rng.Range(0, 3599) - occurred;
  }
  const size_t kind = s->rng.Weighted({60, 32, 8});
  if (kind == 0) return s->rng.Range(10 * 60, 300 * 60);
  if (kind == 1) return s->rng.Range(18 * kHour, 30 * kHour);
  return s->rng.Range(36 * kHour, 48 * kHour);
}

// Writes and emits the studio's pending event, then schedules its next one.
void Generator::EmitStudioEvent(Studio* s) {
  pending_occurred_ = s->pending_at;
  const int64_t t = s->pending_at;
  switch (s->pending) {
    case Pending::kLicense:
      EmitLicense(s);
      break;
    case Pending::kFree:
      EmitFree(s, s->free[s->free_next++]);
      break;
    case Pending::kSlot:
      ++s->slots_done;
      s->slot_at = kUnknown;
      EmitSlot(s, t);
      break;
  }
  if (!Emit(s->last_recorded)) return;
  s->pending = Pending::kSlot;  // anything but kLicense: Schedule decides
  Schedule(s);
}

void Generator::BeginStudioEvent(Studio* s, string_view type) {
  writer_.Begin(emitted_ + 1, type, pending_occurred_);
  StudioId(*s);
}

void Generator::EmitLicense(Studio* s) {
  const std::string name = StudioName(*s);
  writer_.Begin(emitted_ + 1, "StudioLicensed", pending_occurred_);
  StudioId(*s);
  writer_.Text("name", name);
  writer_.Text("linkType", kLinkTypeNames[s->link]);
  writer_.Id("leadMember", "M", s->index + 1, member_width_);
  writer_.Text("committee", kCommittees[s->committee].id);
  if (s->link == kLocality) {
    const string_view town = kTowns[s->kind];
    const string_view suffix = town.ends_with("镇") ? "委员会" : "工作委员会";
    writer_.Texts("partyOrg", {"中共重庆市巴南区", town, suffix});
    writer_.Text("town", town);
  } else {
    writer_.Text("partyOrg", KindOf(s->link, s->kind).party_org);
  }
  writer_.Number("batch", s->batch);
  writer_.Date("licensedOn", s->license_day);
  writer_.End();
}

void Generator::EmitFree(Studio* s, const FreeItem& item) {
  switch (item.kind) {
    case FreeKind::kVisit:
      EmitVisit(s,
                item.text < std::size(kVisitNotes) ? kVisitNotes[item.text] : kSuspensionVisitNote);
      break;
    case FreeKind::kDuplicateVisit:
      EmitVisit(s, kVisitNotes[item.text]);
      s->duplicate_visit_seq = emitted_ + 1;
      break;
    case FreeKind::kRetractDuplicate:
      writer_.Begin(emitted_ + 1, "EventRetracted", pending_occurred_);
      writer_.Number("target", s->duplicate_visit_seq);
      writer_.Text("reason", kDuplicateVisitReason);
      writer_.End();
      break;
    case FreeKind::kFinding:
      EmitFinding(s, item);
      break;
    case FreeKind::kSuspend:
    case FreeKind::kReactivate: {
      const bool suspend = item.kind == FreeKind::kSuspend;
      BeginStudioEvent(s, "StudioStatusChanged");
      writer_.Text("status", suspend ? "suspended" : "active");
      writer_.Text("reason", suspend ? kSuspendReason : kReactivateReason);
      writer_.End();
      s->suspended = suspend;
      break;
    }
  }
}

// Inspectors are two or three members of the liaison committee.
void Generator::EmitVisit(Studio* s, string_view note) {
  BeginStudioEvent(s, "SupervisionVisited");
  writer_.Id("visit", "visit-", ++s->visit_count, 3);
  writer_.BeginList("inspectors");
  const uint32_t first = static_cast<uint32_t>(s->rng.Below(kLiaisonMembers));
  const uint32_t n = s->rng.Percent(60) ? 2 : 3;
  const uint32_t liaison_begin = static_cast<uint32_t>(studios_.size());
  for (uint32_t i = 0; i < n; ++i) {
    writer_.ListText(MemberName(liaison_begin + (first + i * 2) % kLiaisonMembers));
  }
  writer_.EndList();
  writer_.Text("notes", note);
  writer_.End();
}

void Generator::EmitFinding(Studio* s, const FreeItem& item) {
  const uint32_t finding = ++s->finding_count;
  BeginStudioEvent(s, "FindingRaised");
  writer_.Id("finding", "finding-", finding, 3);
  writer_.Text("severity", kSeverityNames[item.severity]);
  writer_.Text("summary", kFindingTexts[item.text]);
  writer_.Date("dueOn", DayOf(item.at) + item.due_days);
  writer_.End();
  if (item.rectify_at != kNever) s->rectifications.push_back(Due{item.rectify_at, finding, 0});
}

// A slot: whatever is due, else something spontaneous. Slots never fall on days of a
// suspension (weight zero); should one, it becomes a supervision visit, which is allowed.
void Generator::EmitSlot(Studio* s, int64_t t) {
  if (s->suspended) {
    EmitVisit(s, kVisitNotes[0]);
    return;
  }
  if (EmitDue(s, t)) return;
  EmitSpontaneous(s, t);
}

// Index of the earliest item due at t, or -1.
int EarliestDue(const std::vector<Due>& items, int64_t t) {
  int best = -1;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].at <= t && (best < 0 || items[i].at < items[best].at)) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

// Emits the most urgent due item (joins, rectifications, rules, resolutions, adoptions);
// false when nothing is due.
bool Generator::EmitDue(Studio* s, int64_t t) {
  std::vector<Due>* lists[] = {&s->joins, &s->rectifications, &s->rules, &s->cases, &s->adoptions};
  for (size_t k = 0; k < std::size(lists); ++k) {
    const int i = EarliestDue(*lists[k], t);
    if (i < 0) continue;
    const Due due = (*lists[k])[i];
    lists[k]->erase(lists[k]->begin() + i);
    switch (k) {
      case 0:
        EmitJoin(s, due.id);
        break;
      case 1:
        EmitRectification(s, due.id);
        break;
      case 2:
        EmitRule(s, due.id);
        break;
      case 3:
        EmitResolution(s, due);
        break;
      default:
        EmitAdoption(s, due.id);
        break;
    }
    return true;
  }
  return false;
}

// Corrections (~0.36%) and retractions (~0.16%) of recent activity, rare departures, and
// otherwise the studio's usual mix of contacts, consultations, cases and suggestions.
void Generator::EmitSpontaneous(Studio* s, int64_t t) {
  const uint64_t r = s->rng.Below(10000);
  if (r < 36 && EmitCorrection(s)) return;
  if (r >= 36 && r < 52 && EmitRetraction(s)) return;
  if (s->rng.Below(1000000) < s->leave_per_million && s->members.size() > 2) {
    EmitLeave(s, t);
    return;
  }
  switch (Pick4(s->rng, kMix[s->link])) {
    case 1:
      EmitConsultation(s);
      return;
    case 2:
      if (s->cases.size() < kOpenCasesMax) {
        EmitCaseOpened(s, t);
        return;
      }
      break;
    case 3:
      EmitSuggestion(s, t);
      return;
    default:
      break;
  }
  EmitContact(s);
}

void Generator::EmitJoin(Studio* s, uint32_t member) {
  BeginStudioEvent(s, "MemberJoinedStudio");
  writer_.Id("member", "M", member + 1, member_width_);
  writer_.End();
  s->members.push_back(member);
}

// A non-lead member leaves; their recent activity is no longer corrected, and most of
// the time someone new joins a few weeks later.
void Generator::EmitLeave(Studio* s, int64_t t) {
  const size_t i = 1 + s->rng.Below(s->members.size() - 1);
  const uint32_t member = s->members[i];
  s->members.erase(s->members.begin() + static_cast<ptrdiff_t>(i));
  for (Activity& a : s->ring) {
    const auto end = a.members.begin() + a.member_count;
    if (a.seq != 0 && std::find(a.members.begin(), end, member) != end) a.seq = 0;
  }
  BeginStudioEvent(s, "MemberLeftStudio");
  writer_.Id("member", "M", member + 1, member_width_);
  writer_.End();
  if (s->rng.Percent(80)) {
    const uint32_t next = PickPoolMember(s, s->joins);
    if (next != 0 && next != member) {
      s->joins.push_back(Due{t + s->rng.Range(10, 60) * kDay, next, 0});
    }
  }
}

void Generator::EmitRule(Studio* s, uint32_t title) {
  BeginStudioEvent(s, "StudioRuleAdopted");
  writer_.Id("rule", "rule-", ++s->rule_count, 1);
  writer_.Text("title", kRuleTitles[title]);
  writer_.End();
}

void Generator::EmitResolution(Studio* s, const Due& c) {
  const size_t outcome = s->rng.Weighted({84, 11, 5});
  const string_view summary = outcome == 0   ? s->rng.Pick(kResolvedSummaries)
                              : outcome == 1 ? s->rng.Pick(kReferredSummaries)
                                             : s->rng.Pick(kWithdrawnSummaries);
  BeginStudioEvent(s, "CaseResolved");
  writer_.Id("case", "case-", c.id, 4);
  writer_.Text("outcome", kOutcomeNames[outcome]);
  writer_.Text("summary", summary);
  writer_.End();
}

void Generator::EmitAdoption(Studio* s, uint32_t suggestion) {
  BeginStudioEvent(s, "SuggestionAdopted");
  writer_.Id("suggestion", "sug-", suggestion, 4);
  writer_.Text("by", s->rng.Pick(kAdoptedBy));
  writer_.End();
}

void Generator::EmitRectification(Studio* s, uint32_t finding) {
  BeginStudioEvent(s, "FindingRectified");
  writer_.Id("finding", "finding-", finding, 3);
  writer_.Text("summary", s->rng.Pick(kRectifications));
  writer_.End();
}

// One to three current members, the lead most of the time.
uint8_t Generator::PickMembers(Studio* s, std::array<uint32_t, 3>* out) {
  std::array<uint32_t, 16> pool{};
  const size_t n = std::min(s->members.size(), pool.size());
  std::copy_n(s->members.begin(), n, pool.begin());
  size_t want = s->rng.Percent(35) ? 2 : 1;
  if (s->rng.Percent(12)) ++want;
  want = std::min(want, n);
  size_t start = s->rng.Percent(70) ? 1 : 0;  // 1: the lead (index 0) is taken as is
  for (size_t i = start; i < want; ++i) {
    std::swap(pool[i], pool[i + s->rng.Below(n - i)]);
  }
  std::copy_n(pool.begin(), want, out->begin());
  return static_cast<uint8_t>(want);
}

void Generator::WriteMembers(string_view key, const uint32_t* members, size_t n) {
  writer_.BeginList(key);
  for (size_t i = 0; i < n; ++i) writer_.ListId("M", members[i] + 1, member_width_);
  writer_.EndList();
}

// The complete data object of a contact or consultation (also a correction's data).
void Generator::WriteActivityData(const Studio& s, const Activity& a) {
  WriteMembers("members", a.members.data(), a.member_count);
  if (!a.consultation) {
    writer_.Text("channel", kChannelNames[a.channel_or_form]);
    writer_.Number("peopleReached", a.people_or_attendees);
    writer_.Text("topic", a.topic);
    return;
  }
  writer_.Text("form", kFormNames[a.channel_or_form]);
  writer_.BeginList("partners");
  const auto [partners, count] = kPartnersByLink[s.link];
  for (size_t i = 0; i < a.partner_count; ++i) writer_.ListText(partners[a.partners[i] % count]);
  writer_.EndList();
  writer_.Number("attendees", a.people_or_attendees);
  writer_.Texts("topic", {a.topic, kFormSuffixes[a.channel_or_form]});
  writer_.Text("outcome", kOutcomes[a.outcome]);
}

void Generator::Remember(Studio* s, const Activity& a) {
  s->ring[s->ring_next] = a;
  s->ring_next = (s->ring_next + 1) % kRingSize;
}

string_view PickTopic(Rng& rng, LinkType link) {
  if (rng.Percent(30)) return rng.Pick(kGeneralTopics);
  const auto [topics, count] = kTopicsByLink[link];
  return topics[rng.Below(count)];
}

void Generator::EmitContact(Studio* s) {
  Activity a;
  a.seq = emitted_ + 1;
  a.member_count = PickMembers(s, &a.members);
  a.channel_or_form = static_cast<uint8_t>(Pick6(s->rng, kChannelWeights[s->link]));
  const auto& range = kPeopleReached[a.channel_or_form];
  a.people_or_attendees = static_cast<uint32_t>(s->rng.Range(range[0], range[1]));
  a.topic = PickTopic(s->rng, s->link);
  BeginStudioEvent(s, "ContactRecorded");
  WriteActivityData(*s, a);
  writer_.End();
  Remember(s, a);
}

void Generator::EmitConsultation(Studio* s) {
  Activity a;
  a.seq = emitted_ + 1;
  a.consultation = true;
  a.member_count = PickMembers(s, &a.members);
  a.channel_or_form = static_cast<uint8_t>(Pick4(s->rng, kFormWeights[s->link]));
  const auto& range = kAttendees[a.channel_or_form];
  a.people_or_attendees = static_cast<uint32_t>(s->rng.Range(range[0], range[1]));
  const size_t partner_choices = kPartnersByLink[s->link].second;
  a.partner_count = static_cast<uint8_t>(s->rng.Weighted({15, 45, 30, 10}));
  const uint8_t first = static_cast<uint8_t>(s->rng.Below(partner_choices));
  for (size_t i = 0; i < a.partner_count; ++i) {
    a.partners[i] = static_cast<uint8_t>((first + i) % partner_choices);
  }
  a.topic = PickTopic(s->rng, s->link);
  a.outcome = static_cast<uint8_t>(s->rng.Below(std::size(kOutcomes)));
  BeginStudioEvent(s, "ConsultationHeld");
  WriteActivityData(*s, a);
  writer_.End();
  Remember(s, a);
}

// Most cases close within four weeks; a few take one or two months or most of a year, and one
// in a thousand is never closed: overdue cases are the exception supervision looks for.
void Generator::EmitCaseOpened(Studio* s, int64_t t) {
  const uint32_t id = ++s->case_count;
  const bool dispute = s->rng.Percent(kDisputePercent[s->link]);
  std::array<uint32_t, 3> members{};
  const uint8_t n = PickMembers(s, &members);
  BeginStudioEvent(s, "CaseOpened");
  writer_.Id("case", "case-", id, 4);
  writer_.Text("kind", dispute ? "dispute" : "request");
  WriteMembers("members", members.data(), n);
  writer_.Text("summary", dispute ? s->rng.Pick(kDisputes) : s->rng.Pick(kRequests));
  writer_.End();
  const size_t speed = s->rng.Weighted({800, 170, 25, 4, 1});
  constexpr int kDays[][2] = {{1, 14}, {15, 28}, {29, 50}, {120, 300}};
  if (speed < std::size(kDays)) {
    const int64_t days = s->rng.Range(kDays[speed][0], kDays[speed][1]);
    s->cases.push_back(Due{t + days * kDay + s->rng.Range(0, 8) * kHour, id,
                           static_cast<uint8_t>(dispute ? 0 : 1)});
  }
}

// About 40% of suggestions are adopted one to five months later.
void Generator::EmitSuggestion(Studio* s, int64_t t) {
  const uint32_t id = ++s->suggestion_count;
  std::array<uint32_t, 3> members{};
  const uint8_t n = PickMembers(s, &members);
  const auto [topics, count] = kTopicsByLink[s->link];
  BeginStudioEvent(s, "SuggestionSubmitted");
  writer_.Id("suggestion", "sug-", id, 4);
  WriteMembers("members", members.data(), n);
  writer_.Texts("title", {"关于", topics[s->rng.Below(count)], "的建议"});
  writer_.Text("channel", kSuggestionChannels[s->rng.Weighted({40, 35, 25})]);
  writer_.End();
  if (s->rng.Percent(40) && s->adoptions.size() < kPendingAdoptionsMax) {
    s->adoptions.push_back(Due{t + s->rng.Range(20, 150) * kDay, id, 0});
  }
}

// Corrects a remembered contact (people reached, topic or channel) or consultation
// (attendees or outcome): data is the complete replacement with the same studio.
bool Generator::EmitCorrection(Studio* s) {
  Activity* a = &s->ring[s->rng.Below(kRingSize)];
  if (a->seq == 0) return false;
  string_view reason;
  const size_t what = s->rng.Weighted({50, 30, 20});
  if (what == 0) {
    const uint32_t old = a->people_or_attendees;
    a->people_or_attendees = old > 3 ? old - 1 - static_cast<uint32_t>(s->rng.Below(old / 2))
                                     : old + 1 + static_cast<uint32_t>(s->rng.Below(5));
    reason = a->consultation ? "参会人数统计有误，予以更正" : "参与人数统计有误，予以更正";
  } else if (a->consultation) {
    a->outcome = static_cast<uint8_t>((a->outcome + 1 + s->rng.Below(std::size(kOutcomes) - 1)) %
                                      std::size(kOutcomes));
    reason = "协商成果表述不完整，予以补充完善";
  } else if (what == 1) {
    const string_view old = a->topic;
    while (a->topic == old) a->topic = PickTopic(s->rng, s->link);
    reason = "联系议题表述不准确，予以更正";
  } else {
    a->channel_or_form = static_cast<uint8_t>((a->channel_or_form + 1 + s->rng.Below(5)) % 6);
    reason = "联系方式录入错误，予以更正";
  }
  writer_.Begin(emitted_ + 1, "EventCorrected", pending_occurred_);
  writer_.Number("target", a->seq);
  writer_.Text("reason", reason);
  writer_.BeginObject("data");
  StudioId(*s);
  WriteActivityData(*s, *a);
  writer_.EndObject();
  writer_.End();
  return true;
}

// Retracts a remembered contact or consultation, which is then forgotten.
bool Generator::EmitRetraction(Studio* s) {
  Activity* a = &s->ring[s->rng.Below(kRingSize)];
  if (a->seq == 0) return false;
  writer_.Begin(emitted_ + 1, "EventRetracted", pending_occurred_);
  writer_.Number("target", a->seq);
  writer_.Text("reason", s->rng.Pick(kRetractionReasons));
  writer_.End();
  a->seq = 0;
  return true;
}

}  // namespace

void Generate(const DemoOptions& options, const std::function<void(const DemoEvent&)>& sink) {
  Generator generator(options, sink);
  generator.Run();
}

}  // namespace wulian::demo
