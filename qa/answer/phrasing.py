"""The phrasings a question is read by: each a named rule with examples and counter-examples (tests run them).

Kept apart from ``qa.answer.understand`` so the reading's steps and the wording they match are each short; these
rules read a question only (document wording lives in ``qa.figures.vocab``).
"""

from __future__ import annotations

import re

from qa.figures import vocab as V

ASKS_NUMBER = V.rule(
    "q.asks_number",
    r"多少|多大|多高|多长|多快|多远|多久|几(?:个|家|所|座|项|台|辆|户|名|张|栋|条|处|万|亿|千|百|十|倍|年|天|岁|人|成|公里)"
    r"|几(?![种类项个方面点大])[\u4e00-\u9fff]|什么水平|多大比重|多大规模|什么规模|百分之几|比例|比重|占比|率|几何|幅度|降幅|增幅|涨幅|增速|" + V.QUANTIFIED +
    r"|\bhow (?:much|many|high|large|big|fast|long|far)\b|\bwhat (?:percentage|proportion|share|rate|ratio)\b"
    r"|\b(?:target|goal)s? (?:for|of)\b|\bwhat is\b[^?]*\b(?:target|goal|figure|level|capacity|number|total|amount|output)\b",
    "a question that asks for a number", ("GDP要达到多少", "城镇化率", "占比", "建几个", "how much",
                                           "What is Karamay's 2010 target for the live-hog inventory?",
                                           "how long should residents live on average by 2010", "双城 PM2.5 下降 幅度 2025",
                                           "克拉玛依区 十一五 地方财力 年均增速"),
    ("有哪些产业", "“两廊”是指什么", "定位是啥", "What is the positioning of Erenhot?"), re.I)
ASKS_LIST_OR_MEANING = V.rule(
    "q.asks_description",
    r"哪些|哪几|哪[一二三四五六七八九十两]|几大|是指|指的是|指啥|指什么|什么意思|含义|内涵|定位|包括|包含|主要有|分别是什么|分别叫|叫什么"
    r"|怎么|怎样|如何|啥样|咋说|咋讲|[那这]几[个大项种条]|除了|还有啥|还有什么|还有哪"
    r"|\bwhich\b|\bwhat (?:does|do)\b.*\bmean\b|\bwhat are the\b|\bhow (?:does|do|will|is)\b",
    "a question that wants a list, a meaning or a way, even when it names an indicator",
    ("有哪些产业", "“两廊”是指什么", "定位是什么", "怎么发展", "要打造成个啥样", "那几个特色品牌，除了“酒乡”还有啥"), ("GDP目标是啥", "增长多少"), re.I)
QUANTITY_HEAD = V.rule(
    "q.quantity_head", r"(?:[数量额值率]|面积|收入|产值|规模|里程|能力|人口|比重|产量|总额|增加值|密度|长度|总长|投资|资金|经费|装机|存栏|出栏|产能|单产|亩产)$",
    "a question that ends on a measured quantity asks for it, even without 多少 (a keyword query)",
    ("每千人病床数", "铁路年吞吐能力", "玉米种植面积", "燃气管网总长", "水利建设计划投资", "风电装机", "生猪存栏"), ("发展定位", "主导产业", "空间布局"))
QUESTION_WORD = V.rule("q.question_word", r"什么|啥|哪|谁|吗|呢|[?？]|\b(?:what|which|how|who|where|when|why)\b",
                       "a question word: without one (a keyword query) a named figure may be what is wanted",
                       ("根本目标是什么？", "做成个啥样", "what is", "发展定位？"), ("双城 十四五 秸秆 综合利用 目标",), re.I)
NUMBER_BY_HOW = V.rule("q.number_by_how", r"(?:怎样|什么样|怎么样|何种)的?[\u4e00-\u9fff]{0,2}?(?:规模|水平|目标值?|数值|幅度|速度)",
                       "a size or level asked with 怎样 is a number (设定了怎样的规模目标, 怎样的控制目标)",
                       ("设定了怎样的规模目标", "什么样的水平", "设定了怎样的控制目标", "收入达到何种水平"),
                       ("怎样发展", "怎样的格局", "怎样的发展格局", "以何种方式"))
NUMBER_GOAL = V.rule(
    "q.number_goal", r"(?:[数量额值率]|水平|份额|比重|规模|面积|收入|产值|产量|总额|增加值|能力|投资)的?(?:提出|设定|确定|定下|制定|给出|明确)了?"
    r"(?:什么|怎样|何种|怎么样)的?(?:目标|指标|要求)",
    "a goal set for a measured quantity (入学覆盖水平提出了什么目标) is a figure, though 什么 usually asks for words",
    ("高中阶段适龄人口的入学覆盖水平提出了什么目标", "对粮食产量设定了怎样的目标", "用水的循环利用水平提出了何种要求"),
    ("对产业发展提出了什么目标", "对生态环境提出了哪些要求"))
SHARE_AFTER = V.rule("q.share_after", r"(?<=[\u4e00-\u9fff])(?<![占的])(?<!地区)\s*(GDP|地区生产总值|生产总值)\s*(?:占比|比重)",
                     "X GDP占比 (a keyword query) is X占GDP比重: GDP is the whole, X the part",
                     ("民营经济 GDP占比", "第三产业GDP比重"), ("GDP占比", "GDP增速", "研发经费占GDP比重", "服务业占地区生产总值比重"))
ECONOMY_WHOLE = V.rule("q.economy_whole", r"(?:在|占)(?:整个|全[市区县旗]|地区)?经济(?:总量)?(?:里面|里|中|当中)?(?:所?占)?的?(?:比重|比例|份额|占比|那一?块|那部分)",
                       "the economy as the whole of a share is GDP (三产在经济里占的比重 → 三产占GDP比重)",
                       ("三产在经济里占的比重", "服务业占经济的比重", "服务业在经济里占的那块", "食品工业在地区经济总量中的占比"), ("经济增长速度", "在经济发展中的作用"))
IN_WHOLE = V.rule("q.in_whole", r"在([^，,。？?在]{1,14}?)(?:里面|里|中|当中)所?占的?(?:比重|比例|份额|占比)|"
                  r"在(地区生产总值|生产总值|GDP)(?:里面|里|中|当中)的(?:比重|比例|份额|占比)",
                  "X在Y中所占份额 is X占Y比重: Y is the whole a share is taken of; without 占 (X在GDP中的占比) only of GDP",
                  ("食品工业在地区生产总值中所占份额", "在财政支出里占的比例", "食品工业在地区生产总值中的占比"), ("在经济发展中的作用", "占地区生产总值比重", "社区服务业产值在全区服务业中的占比"))
SECTOR_SHARE = V.rule("q.sector_share", r"(?<!第)([一二三])产(?:业)?(?:增加值)?(?:（[^（）]{1,8}）|\([^()]{1,8}\))?"
                      r"(?:占(?:GDP|地区生产总值|生产总值)的?)?(?:占比|比重|比例|份额)|"
                      r"第([一二三])产业(?:增加值)?(?:（[^（）]{1,8}）|\([^()]{1,8}\))?(?:占(?:GDP|地区生产总值|生产总值)的?)?(?:占比|比例|份额)|"
                      r"第([一二三])产业(?:增加值)?占(?:GDP|地区生产总值|生产总值)的比重",
                      "a sector's share in any of the ways people shorten it is the plan's 第N产业增加值占地区生产总值比重",
                      ("三产（服务业）占GDP比重", "第三产业占比", "二产比重", "三产业占GDP的比重"), ("第三产业增加值", "三产增加值", "第三产业比重"))
PER_HEAD_YIELD = V.rule("q.per_head_yield", r"(?:一|每)(?:头|亩地?)([\u4e00-\u9fff]{0,3}?)(?:一年|每年)?(?:能够|能|可以|可|要)?产(?=多少|几)",
                        "what one head or one mu yields is its 单产 (一头奶牛一年能产多少奶 → 奶牛单产), no capacity",
                        ("一头奶牛一年能产多少奶", "一亩地能产多少粮食"), ("一年能产多少粮食", "每天能处理多少"))
CAPACITY_SPOKEN = V.rule("q.capacity_spoken", r"(?:一天|每天|每日|一年|每年)(?:能够|能|可以|可)(供|处理|生产|产|发|运|接待|吞吐|装)(?=多少|几)",
                         "what can be done in a day or a year is a capacity (自来水一天能供多少吨 → 供能力)",
                         ("自来水一天能供多少吨", "污水一天能处理多少"), ("一年能挣多少", "每天供水"))
FINAL_PARTICLE = V.rule("q.final_particle", r"(?<=[\u4e00-\u9fff])[啊呀呢吧嘛哈啦哦呐]+(?=[？?！!。～~\s]*$)",
                        "a spoken question's closing particle says nothing about what is asked (…种植带啊？)",
                        ("打算搞哪几样特色种植带啊？", "能到多少呀", "定位是啥呢？"), ("哈尔滨", "呼和浩特"))
OPTIONAL_CHAR = V.rule("q.optional_char", r"(?<=[\u4e00-\u9fff])[（(]([\u4e00-\u9fff])[)）](?=[\u4e00-\u9fff])",
                       "a character in brackets inside a word is part of it (农（牧）民 → 农牧民, as the plans print it)",
                       ("农（牧）民人均纯收入",), ("双城区（哈尔滨）", "收入（元）"))
NAME_ASIDE = V.rule("q.name_aside", r"(?<=[\u4e00-\u9fffA-Za-z])（[\u4e00-\u9fff]{2,5}）(?=[\u4e00-\u9fffA-Za-z])",
                    "a place in brackets inside a company or project name belongs to the name, not the question's scope",
                    ("飞鹤（哈尔滨）乳制品",), ("双城区（哈尔滨）", "（2010年）"))
SPOKEN_VO = V.rule("q.spoken_vo", r"([养种产出挖打])了?多少((?:万|亿)?[头只吨亩斤眼口]?)((?![啊呀呢吧嘛哈的了头只吨亩斤眼口个])[\u4e00-\u9fff])(?=[啊呀呢吧？?。，,]|$)",
                   "a verb and its one-character object split by 多少 (出多少煤, 养多少头猪) are read as one word (出煤, 养猪)",
                   ("一年出多少煤？", "养多少头猪啊"), ("出多少万吨原煤", "产多少粮食", "能养多少头呢", "打算养多少头啊"))
SECTOR_CREATED = V.rule("q.sector_created", r"(工业|农业|服务业|建筑业|第[一二三]产业)(?:部门|领域|行业)?(?:所?创造|产生|实现)的?(?=增加值)",
                        "the value added a sector creates (工业部门创造的增加值) is the sector's 增加值 as plans print it",
                        ("工业部门创造的增加值", "服务业所创造的增加值", "农业领域实现的增加值"),
                        ("工业增加值", "创造就业岗位", "工业部门"))
SPENT_ON = V.rule("q.spent_on", r"在([\u4e00-\u9fff]{2,6})上(?=[准打要计花投砸用])",
                  "what money is spent on, said as 在X上 (在水利上准备砸多少钱), is read as X (水利准备砸多少钱)",
                  ("大同区在水利上准备砸多少钱？",), ("每千人能摊上几个医生", "在全市排名上"))
VERB_ADVERB = V.rule("q.verb_adverb", r"([\u4e00-\u9fff])((?:一年|每年)(?:还|能|要|得|能够|可以)*|(?:还|能|要|得|能够|可以)+)"
                     r"([养种产出挖打收])(?=多少(?:[啊呀呢吧]*[？?。，,！!]|$))",
                     "an object said before its spoken verb with time or modal words between (煤一年还挖多少) is read "
                     "with those words first (一年还煤挖多少), so the object and verb read as one word (煤挖)",
                     ("阳泉到2010年煤一年还挖多少？", "粮食每年能产多少"), ("阳泉一年能出多少煤？", "一年多少游客"))
NAME_SPLIT = V.rule("q.name_split", r"([\u4e00-\u9fff]{2,4}?)((?:一年|每年|全年|能够|能|要|可以|得|搞出|搞到|干出|做出|创造|实现|达到|到)+)"
                    r"多少([\u4e00-\u9fff]{2,5}?)(?=[啊呀呢吧？?。，,！!]|$)",
                    "a name split by its question (工业一年能搞出多少增加值) is read whole (工业增加值一年能搞出多少) when the "
                    "two parts make an indicator's name (understand checks the ontology)",
                    ("工业一年能搞出多少增加值？", "粮食一年能达到多少产量"), ("一年能挣多少钱？", "工业增加值多少"))
VERB_OBJECT = V.rule("q.verb_object", r"(?:能够|能|可以|要)?(交易|成交|处理|接待|加工|运输|销售|出口|进口)了?多少(?:万?吨|万?人次|万?人|个)?([\u4e00-\u9fff]{2,4}?)(?=[啊呀呢吧？?。，,]|$)",
                     "a spoken verb and its object (一年能交易多少粮食) is the plan's object + verb + 量 (粮食交易量)",
                     ("一年能交易多少粮食啊", "接待多少游客？"), ("交易额是多少", "处理能力多少"))
PERIOD_END = V.rule("q.period_end", r"期末|末期|规划末|最后一年|结束(?:时|那年|的时候)|到头|end of the plan",
                    "the plan's last year, without naming it", ("十二五期末", "规划期末"), ("期间",), re.I)
BASE_PERIOD = V.rule("q.base_period", r"基期|基数|起点|现状值|现状水平|规划(?:前|之前)|编制时|期初|上一个五年|上个五年"
                     r"|(?:起步|开头|开始编(?:制)?(?:规划)?)(?:那年|那一年|时|的时候|之年)|开局(?:那年|那一年|时|的时候)|刚起步|开局前"
                     r"|\b(?:start|beginning|outset|eve) of (?:its|the|each|their) (?:\w+ )?(?:five-year )?(?:plans?|plan periods?)\b"
                     r"|\bbase(?:line)?[- ]year\b|\bbaseline\b|\bwhen (?:its|the|each|their) plan (?:began|started)\b"
                     r"|\byears? (?:before|preceding) (?:its|the|each|their) plan\b|\b(?:previous|preceding|prior) (?:five-year )?(?:plan|period)\b"
                     r"|过去五年|前五年|(?<![比较])上一(?:个|轮|部|期)?规划|规划(?:刚|才)开始|(?:刚|才)开始(?:那会儿?|那阵子?|那年|的时候|时)"
                     r"|编(?:制)?规划(?:那会儿?|那阵子?|那年|的时候|时)",
                     "the year before the plan: its baseline (a table's 现状值 column)",
                     ("基期值", "集中供热率 现状值", "编制时", "上一规划期末已实现的地区经济总量", "规划刚开始那会儿经济盘子", "规划刚起步那年", "规划开头那年", "刚开始编规划那年", "编规划那会儿", "五个地方编规划时",
                      "at the start of its plan", "the base-year GDP", "规划开局那年",
                      "At the start of their 11th five-year plans"),
                     ("期末", "起步区", "by the end of the plan", "发展现状", "开局之年", "比上一规划期末提高多少"), re.I)
Q_CHANGE = V.rule("q.change", r"下降|降低|减少|降多少|降了|提高(?:多少|几)个?百分点|百分点|共降|降幅|压降|压减",
                  "a change over the period (降低20%, 提高3个百分点; 压降 and 压减 are the plans' words for cutting)",
                  ("能耗降低多少", "提高几个百分点", "单位产出能源消耗累计压降目标"), ("增长",))
Q_SHARE_CHANGE = V.rule("q.share_change", r"(?:提高|提升|增加|上升|上涨|涨|下降|降低|减少)了?(?:百分之几|(?:多少|几)个?(?:百分)?点)|(?<!年均)(?<!每年)(?:提高|提升|增加|上升)的?幅度",
                        "a share or rate that rose by how many points is a change in points, not a growth rate",
                        ("第三产业占比提高了百分之几", "城镇化率提升几个点", "第三产业占比提升幅度"), ("增长百分之几", "提高到多少", "年均提高幅度"))
Q_COLLOQUIAL_GROWTH = V.rule("q.growth_colloquial", r"涨(?![到至])|增幅|翻番|翻一番|增速|多挣|多赚|增收|(?:每年|一年|年均)[要得能会]?长(?![到至期远效度大])|"
                             r"growth|grow|increase",
                             "colloquial and English words for growth (涨到 is the level reached; 每年要长多少 says 长 for 增长)",
                             ("每年涨多少", "annual growth", "农业每年要长多少", "一年能长多少"),
                             ("达到", "收入要涨到多少", "每年长期", "每年长到多少"), re.I)
MONEY_ASKED = V.rule("q.money", r"多少钱|花多少|投多少|砸多少|投了多少|投入.{0,16}多少|投资.{0,8}多少|多少资金|多少投资|多少经费|挣多少|"
                              r"赚多少|资金(?:规模|总额|总量)?(?:为|是|有|达)?多少|\bhow much\b[^?]*\b(?:invest|spend|allocate)",
                     "a question about an amount of money (一共准备花多少钱)", ("一共投了多少钱", "投入多少资金", "投入城乡建设的资金规模为多少",
                                                                           "How much does Datong plan to invest in water conservancy"),
                     ("多少人", "How much grain"), re.I)
RANKED = V.rule("q.ranked", r"最(?:高|低|快|慢|大|小|多|少|猛|薄|厚)|[更较](?:高|低|快|慢|大|小|多|少)|孰(?:高|低|快|慢|多|少|大|小)|"
                           + V.which_ends("高|低|多|少|大|小|快|慢"),
                "a ranking of a quantity is a number question, even asked with 哪个/which",
                ("哪个规划的GDP增速最高", "谁的财政收入更多", "期末人口哪个多？", "绿地率目标孰高"), ("哪些产业", "哪个产业是重点？"))
TARGET_COMPARED = V.rule("q.target_compared", r"目标|指标", "a target ranked (which has the larger grain target) asks "
                         "for figures even when no indicator name is known", ("哪个规划的粮食目标更高",), ("哪些产业",))
ACROSS_PLANS = V.rule("q.across_plans", r"各(?:个)?(?:规划|地区?|区市|地方)|每个规划|所有规划|[两三四五几][个份部]规划",
                      "the plans asked of together: with a target named (各规划 高中入学 目标 列表), a table of figures",
                      ("各规划 高中入学 目标 列表", "五个规划的森林覆盖率目标", "五部规划中哪一部"), ("规划里的目标", "各项指标"))
MONEY_HEAD = V.rule("q.money_head", r"(?:产值|收入|投资|投资额|增加值|总额|营业额|销售额|利润|税收|经费|资金)$",
                    "a question ending on an amount of money asks for money, not a count printed beside it",
                    ("规模以上食品企业产值", "旅游收入"), ("规模以上食品企业", "投资项目"))
LENGTH_HEAD = V.rule("q.length_head", r"(?:总长|长度|总长度|里程|总里程)$",
                     "a question ending on a length asks for one: a share printed beside it does not answer it",
                     ("天然气管道总长", "公路总里程"), ("管网覆盖率", "长度比例"))
GROWTH_RATE = V.rule("q.growth_rate", r"(?<!自然)增速|增幅|(?<!自然)增长率|\bgrowth rates?\b|\brates? of (?:growth|increase)\b",
                     "a growth rate is a percentage: an amount added each year (年均增加450元) does not answer it",
                     ("收入年均增速", "annual growth rate"), ("人口自然增长率", "人口自然增速", "年均增加多少元"), re.I)
STRICT_TARGET = V.rule("q.strict_target", r"目标|计划|预期|力争|争取",
                       "a figure asked as a goal: a plan's record of a year before it is not its goal for that year",
                       ("2010年失业率控制目标", "预期目标"), ("2010年完成了多少", "2010年是多少"))
NAME_GLUE_HEAD = V.rule(
    "q.name_glue_head", r"^.*(?:规划|期间|期末|目标|中|到|达到|要|将|把|让|全区|全市|全县|全旗|全社会|区域|其中|今后|未来|主要|"
    r"实现|完成|计划|预计|力争|争取|确保|努力|年|方面|领域|总)",
    "words before an indicator's name that do not narrow it (规划中, 到, 全区, 实现): cut before reading a narrower phrase",
    ("规划中食品", "全区食品", "到食品", "力争到实现", "对外贸易方面"), ("食品", "装备制造", "水利"))
NAME_GLUE_TAIL = V.rule(
    "q.name_glue_tail", r"(?:计划|预计|实现|完成|达到|力争|争取|确保|要|将|的|到|总|年|全年|当年|方面|领域|"
    r"基期|基年|期初|期末|末期|起步|年底|年末|时期|期间|时候|那年|那会儿)$",
    "words a name's modifier may end on that are not part of it (建设计划 投资总额, 力争到实现 进出口额)",
    ("水利基础设施建设计划", "力争到实现", "对外贸易方面", "规划基期"), ("水利基础设施建设", "食品"))
Q_YEAR_SPAN = V.rule("q.year_span", r"(?:19|20)\d\d\s*[-—~～至到]\s*(?:19|20)\d\d",
                     "a span of years (2006-2010年) names a period, not one year asked", ("2006-2010年",), ("2010年",))
SIZE_ASKED = V.rule("q.size_asked", r"(?<=[\u4e00-\u9fff]{2})(?:规模|总量|总额|总值|总数)"
                    r"(?:由[\u4e00-\u9fff]{0,6}?)?(?:提升|提高|增加|扩大|增至|升至)?[至到]?$",
                    "a size asked in words no indicator holds is a level: a share or rate printed beside it "
                    "answers something else (经济总产出的规模目标)",
                    ("经济总产出规模", "货物吞吐总量", "过境货物总额", "处理规模由原有水平提升至"), ("规模以上", "城镇化水平", "规模"))
