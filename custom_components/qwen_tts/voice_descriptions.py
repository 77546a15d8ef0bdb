"""What each system voice sounds like, in English and Simplified Chinese.

Source: Alibaba Cloud Model Studio, "Speech synthesis - Qwen", section "Supported system voices"
(English and Chinese editions): each voice's name, gender and description, shortened for a
picker where the original runs long.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VoiceDescription:
    """A system voice as the service describes it. ``name_zh`` is its Chinese name (empty
    where the Chinese edition gives none)."""

    female: bool
    en: str
    name_zh: str
    zh: str

    @property
    def gender(self) -> str:
        """``female`` or ``male``."""
        return "female" if self.female else "male"


def _d(gender: str, en: str, name_zh: str, zh: str) -> VoiceDescription:
    return VoiceDescription(gender == "f", en, name_zh, zh)


DESCRIPTIONS: dict[str, VoiceDescription] = {
    "Cherry": _d("f", "sunny, positive, friendly and natural young woman", "芊悦", "阳光积极、亲切自然小姐姐"),
    "Serena": _d("f", "gentle young woman", "苏瑶", "温柔小姐姐"),
    "Ethan": _d("m", "sunny, warm and energetic; standard Mandarin with a slight northern accent", "晨煦", "标准普通话，带部分北方口音；阳光、温暖、活力、朝气"),
    "Chelsie": _d("f", "anime-style virtual girlfriend", "千雪", "二次元虚拟女友"),
    "Momo": _d("f", "playful and mischievous, cheers you up", "茉兔", "撒娇搞怪，逗你开心"),
    "Vivian": _d("f", "confident, cute and slightly feisty", "十三", "拽拽的、可爱的小暴躁"),
    "Moon": _d("m", "bold and handsome", "月白", "率性帅气"),
    "Maia": _d("f", "a blend of intellect and gentleness", "四月", "知性与温柔的碰撞"),
    "Kai": _d("m", "a soothing spa for your ears", "凯", "耳朵的一场SPA"),
    "Nofish": _d("m", "a designer who cannot pronounce retroflex sounds", "不吃鱼", "不会翘舌音的设计师"),
    "Bella": _d("f", "a little girl who drinks but never throws drunken punches", "萌宝", "喝酒不打醉拳的小萝莉"),
    "Jennifer": _d("f", "premium, cinematic American English", "詹妮弗", "品牌级、电影质感般美语女声"),
    "Ryan": _d("m", "full of rhythm and dramatic flair", "甜茶", "节奏拉满，戏感炸裂"),
    "Katerina": _d("f", "mature woman with a rich, memorable rhythm", "卡捷琳娜", "御姐音色，韵律回味十足"),
    "Aiden": _d("m", "young American man who is a skilled cook", "艾登", "精通厨艺的美语大男孩"),
    "Eldric Sage": _d("m", "calm and wise elder", "沧明子", "沉稳睿智的老者"),
    "Mia": _d("f", "gentle as spring water, obedient as fresh snow", "乖小妹", "温顺如春水，乖巧如初雪"),
    "Mochi": _d("m", "clever, quick-witted young adult with childlike innocence", "沙小弥", "聪明伶俐的小大人"),
    "Bellona": _d("f", "powerful, clear voice with heroic grandeur", "燕铮莺", "声音洪亮，吐字清晰"),
    "Vincent": _d("m", "uniquely raspy, smoky voice of heroic tales", "田叔", "独特的沙哑烟嗓"),
    "Bunny": _d("f", "little girl overflowing with cuteness", "萌小姬", "萌属性爆棚的小萝莉"),
    "Neil": _d("m", "precise, clear, professional news anchor", "阿闻", "字正腔圆的新闻主持人"),
    "Elias": _d("f", "lecturer who turns complex knowledge into stories", "墨讲师", "把复杂知识讲成故事的讲师"),
    "Arthur": _d("m", "simple, earthy voice telling village stories", "徐大爷", "质朴嗓音，娓娓道来村里的奇闻异事"),
    "Nini": _d("f", "soft, clingy, sweet voice", "邻家妹妹", "糯米糍一样又软又黏的甜蜜嗓音"),
    "Ebona": _d("f", "a whisper of childhood shadows and unknown fears", "", "低语诡秘，唤起童年阴影与未知的恐惧"),
    "Seren": _d("f", "gentle, soothing voice to fall asleep to", "小婉", "温和舒缓，助你入眠"),
    "Pip": _d("m", "playful, mischievous boy full of childlike wonder", "顽屁小孩", "调皮捣蛋却充满童真"),
    "Stella": _d("f", "sweet, dazed teenage girl who turns heroic", "少女阿月", "甜到发腻的迷糊少女"),
    "Bodega": _d("m", "passionate Spanish man", "博德加", "热情的西班牙大叔"),
    "Sonrisa": _d("f", "cheerful, outgoing Latin American woman", "索尼莎", "热情开朗的拉美大姐"),
    "Alek": _d("m", "cold like the Russian spirit, warm like a wool coat lining", "阿列克", "战斗民族，外冷内热"),
    "Dolce": _d("m", "laid-back Italian man", "多尔切", "慵懒的意大利大叔"),
    "Sohee": _d("f", "warm, cheerful, expressive Korean big sister", "素熙", "温柔开朗的韩国欧尼"),
    "Ono Anna": _d("f", "clever, spirited childhood friend", "小野杏", "鬼灵精怪的青梅竹马"),
    "Lenn": _d("m", "rational yet rebellious German youth", "莱恩", "理性又叛逆的德国青年"),
    "Emilien": _d("m", "romantic French big brother", "埃米尔安", "浪漫的法国大哥哥"),
    "Andre": _d("m", "magnetic, natural and steady", "安德雷", "声音磁性，自然沉稳"),
    "Radio Gol": _d("m", "football commentator", "拉迪奥·戈尔", "足球解说"),
    "Jada": _d("f", "fast-paced, energetic Shanghai auntie", "上海-阿珍", "风风火火的沪上阿姐"),
    "Dylan": _d("m", "young man raised in Beijing's hutongs", "北京-晓东", "北京胡同里长大的少年"),
    "Li": _d("m", "patient yoga teacher", "南京-老李", "耐心的瑜伽老师"),
    "Marcus": _d("m", "man of few words and a deep voice, true Shaanxi flavour", "陕西-秦川", "面宽话短，心实声沉的老陕"),
    "Roy": _d("m", "humorous, straightforward, lively Taiwanese guy", "闽南-阿杰", "诙谐直爽的台湾哥仔"),
    "Peter": _d("m", "Tianjin crosstalk, the professional foil", "天津-李彼得", "天津相声，专业捧哏"),
    "Sunny": _d("f", "Sichuan girl sweet enough to melt your heart", "四川-晴儿", "甜到心里的川妹子"),
    "Eric": _d("m", "Sichuanese man from Chengdu", "四川-程川", "跳脱市井的成都男子"),
    "Rocky": _d("m", "humorous, witty chat companion", "粤语-阿强", "幽默风趣的阿强，在线陪聊"),
    "Kiki": _d("f", "sweet Hong Kong girl best friend", "粤语-阿清", "甜美的港妹闺蜜"),
}  # fmt: skip

# How labels name a dialect (SystemVoice.dialect -> English, Chinese).
DIALECT_NAMES: dict[str, tuple[str, str]] = {
    "Shanghainese": ("Shanghainese", "上海话"),
    "Beijing": ("Beijing dialect", "北京话"),
    "Sichuanese": ("Sichuanese", "四川话"),
    "Nanjing": ("Nanjing dialect", "南京话"),
    "Shaanxi": ("Shaanxi dialect", "陕西话"),
    "Minnan": ("Southern Min", "闽南语"),
    "Tianjin": ("Tianjin dialect", "天津话"),
    "Cantonese": ("Cantonese", "粤语"),
}


def is_chinese(language: str | None) -> bool:
    """Whether labels for ``language`` (an HA language tag) are written in Chinese."""
    return bool(language) and str(language).replace("_", "-").lower().split("-")[0] == "zh"
