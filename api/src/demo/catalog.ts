/**
 * The demo shop's catalog: a small clothing-and-lifestyle brand, the kind that sells through store guides.
 * Prices in fen; every product gets drawn images (product-images.ts) and stock per SKU.
 */
export interface DemoProduct {
  title: string;
  subtitle: string;
  /** Spec name → values; the SKUs are every combination. */
  specs: { name: string; values: string[] }[];
  priceFen: number;
  /** Added to the price for the struck-through 划线价; none when absent. */
  markupFen?: number;
  stock: number;
  /** A few lines for the detail page. */
  detail: string[];
}

export interface DemoCategory {
  name: string;
  children: { name: string; products: DemoProduct[] }[];
}

const clothingSizes = { name: '尺码', values: ['S', 'M', 'L', 'XL'] };

export const demoCatalog: DemoCategory[] = [
  {
    name: '服饰',
    children: [
      {
        name: 'T恤',
        products: [
          {
            title: '纯棉圆领短袖T恤',
            subtitle: '新疆长绒棉，亲肤透气',
            specs: [{ name: '颜色', values: ['白色', '黑色', '雾蓝'] }, clothingSizes],
            priceFen: 7900,
            markupFen: 4000,
            stock: 80,
            detail: ['180g 精梳棉面料，领口罗纹不易变形。', '建议冷水机洗，反面晾晒。'],
          },
          {
            title: '宽松落肩印花T恤',
            subtitle: '城市系列限定印花',
            specs: [{ name: '颜色', values: ['米白', '炭灰'] }, clothingSizes],
            priceFen: 9900,
            stock: 50,
            detail: ['落肩宽松版型，男女同款。', '环保水性印花，多次洗涤不易开裂。'],
          },
          {
            title: '华夫格长袖T恤',
            subtitle: '秋冬打底好搭档',
            specs: [{ name: '颜色', values: ['燕麦', '深咖', '黑色'] }, clothingSizes],
            priceFen: 12900,
            markupFen: 3000,
            stock: 60,
            detail: ['立体华夫格肌理，保暖不闷。'],
          },
        ],
      },
      {
        name: '衬衫',
        products: [
          {
            title: '牛津纺长袖衬衫',
            subtitle: '通勤休闲两相宜',
            specs: [{ name: '颜色', values: ['浅蓝', '白色'] }, clothingSizes],
            priceFen: 15900,
            markupFen: 6000,
            stock: 40,
            detail: ['经典牛津纺，越洗越柔软。', '贝壳纽扣，精致细节。'],
          },
          {
            title: '亚麻短袖衬衫',
            subtitle: '夏日清凉透气',
            specs: [{ name: '颜色', values: ['本白', '卡其'] }, clothingSizes],
            priceFen: 18900,
            stock: 30,
            detail: ['100% 亚麻，天然吸湿排汗。'],
          },
        ],
      },
      {
        name: '卫衣',
        products: [
          {
            title: '加绒连帽卫衣',
            subtitle: '冬季必备，温暖加倍',
            specs: [{ name: '颜色', values: ['灰色', '藏青', '酒红'] }, clothingSizes],
            priceFen: 19900,
            markupFen: 10000,
            stock: 70,
            detail: ['内里加绒，保暖锁温。', '双层帽，防风挡寒。'],
          },
          {
            title: '基础款圆领卫衣',
            subtitle: '百搭不挑人',
            specs: [{ name: '颜色', values: ['燕麦', '黑色'] }, clothingSizes],
            priceFen: 14900,
            stock: 90,
            detail: ['毛圈面料，四季可穿。'],
          },
        ],
      },
      {
        name: '外套',
        products: [
          {
            title: '轻量防泼水夹克',
            subtitle: '通勤出游一件搞定',
            specs: [{ name: '颜色', values: ['黑色', '军绿'] }, clothingSizes],
            priceFen: 32900,
            markupFen: 17000,
            stock: 25,
            detail: ['防泼水面料，小雨无忧。', '可收纳成小包，轻便好带。'],
          },
          {
            title: '羊毛混纺大衣',
            subtitle: '经典廓形，简约高级',
            specs: [{ name: '颜色', values: ['驼色', '黑色'] }, clothingSizes],
            priceFen: 69900,
            markupFen: 30000,
            stock: 12,
            detail: ['50% 羊毛混纺，挺括保暖。'],
          },
        ],
      },
    ],
  },
  {
    name: '鞋包',
    children: [
      {
        name: '运动鞋',
        products: [
          {
            title: '轻跑缓震运动鞋',
            subtitle: '日常慢跑通勤舒适',
            specs: [
              { name: '颜色', values: ['白灰', '黑色'] },
              { name: '鞋码', values: ['38', '39', '40', '41', '42', '43'] },
            ],
            priceFen: 39900,
            markupFen: 20000,
            stock: 10,
            detail: ['中底缓震科技，久走不累。', '网面鞋身，透气舒适。'],
          },
          {
            title: '复古德训鞋',
            subtitle: '百搭小白鞋',
            specs: [{ name: '鞋码', values: ['36', '37', '38', '39', '40', '41', '42'] }],
            priceFen: 29900,
            stock: 15,
            detail: ['头层牛皮鞋面，耐穿好打理。'],
          },
        ],
      },
      {
        name: '包袋',
        products: [
          {
            title: '帆布托特包',
            subtitle: '大容量，装得下电脑',
            specs: [{ name: '颜色', values: ['米白', '黑色', '藏青'] }],
            priceFen: 8900,
            stock: 120,
            detail: ['16 安加厚帆布，内置拉链小袋。'],
          },
          {
            title: '真皮斜挎小包',
            subtitle: '出门只带必需品',
            specs: [{ name: '颜色', values: ['焦糖', '黑色'] }],
            priceFen: 45900,
            markupFen: 15000,
            stock: 20,
            detail: ['植鞣牛皮，越用越有光泽。'],
          },
          {
            title: '通勤双肩包',
            subtitle: '分区收纳，减压背负',
            specs: [{ name: '颜色', values: ['深灰', '黑色'] }],
            priceFen: 25900,
            stock: 35,
            detail: ['15.6 英寸电脑仓，防泼水面料。'],
          },
        ],
      },
    ],
  },
  {
    name: '美妆个护',
    children: [
      {
        name: '护肤',
        products: [
          {
            title: '玻尿酸保湿面霜',
            subtitle: '深层补水，清爽不黏腻',
            specs: [{ name: '规格', values: ['50ml', '100ml'] }],
            priceFen: 16800,
            markupFen: 5000,
            stock: 200,
            detail: ['多重玻尿酸，24 小时持续保湿。', '敏感肌可用。'],
          },
          {
            title: '温和氨基酸洁面',
            subtitle: '洗后不紧绷',
            specs: [],
            priceFen: 6900,
            stock: 300,
            detail: ['氨基酸表活，温和清洁。'],
          },
          {
            title: '清透防晒乳 SPF50+',
            subtitle: '轻薄不泛白',
            specs: [],
            priceFen: 12800,
            markupFen: 3000,
            stock: 150,
            detail: ['PA++++ 高倍防护，通勤户外皆宜。'],
          },
        ],
      },
      {
        name: '彩妆',
        products: [
          {
            title: '丝绒哑光口红',
            subtitle: '显白不挑皮',
            specs: [{ name: '色号', values: ['#01 正红', '#02 豆沙', '#03 枫叶'] }],
            priceFen: 15900,
            stock: 90,
            detail: ['丝绒质地，持久不拔干。'],
          },
          {
            title: '柔焦散粉',
            subtitle: '控油定妆一整天',
            specs: [{ name: '色号', values: ['透明色', '自然色'] }],
            priceFen: 11900,
            stock: 80,
            detail: ['细腻粉质，柔焦毛孔。'],
          },
        ],
      },
    ],
  },
  {
    name: '家居生活',
    children: [
      {
        name: '香氛',
        products: [
          {
            title: '无火香薰礼盒',
            subtitle: '乔迁送礼好选择',
            specs: [{ name: '香型', values: ['白茶', '雪松', '无花果'] }],
            priceFen: 13900,
            markupFen: 6000,
            stock: 60,
            detail: ['200ml 大容量，可持续约 60 天。'],
          },
          {
            title: '大豆蜡香薰蜡烛',
            subtitle: '手工浇筑，安心燃烧',
            specs: [{ name: '香型', values: ['琥珀', '海盐鼠尾草'] }],
            priceFen: 9900,
            stock: 70,
            detail: ['天然大豆蜡，燃烧时长约 40 小时。'],
          },
        ],
      },
      {
        name: '餐厨',
        products: [
          {
            title: '陶瓷马克杯',
            subtitle: '手作釉色，每只都独一无二',
            specs: [{ name: '颜色', values: ['月白', '青釉', '焦糖'] }],
            priceFen: 5900,
            stock: 150,
            detail: ['350ml，可进微波炉与洗碗机。'],
          },
          {
            title: '不锈钢保温杯',
            subtitle: '12 小时长效保温',
            specs: [
              { name: '颜色', values: ['雾白', '墨黑'] },
              { name: '容量', values: ['350ml', '500ml'] },
            ],
            priceFen: 12900,
            markupFen: 4000,
            stock: 45,
            detail: ['316 不锈钢内胆，一键开盖。'],
          },
          {
            title: '实木砧板',
            subtitle: '整木无拼接',
            specs: [{ name: '尺寸', values: ['小号', '大号'] }],
            priceFen: 8900,
            stock: 40,
            detail: ['乌金木整木，耐切不易留痕。'],
          },
        ],
      },
    ],
  },
  {
    name: '食品饮料',
    children: [
      {
        name: '咖啡茶饮',
        products: [
          {
            title: '挂耳咖啡 组合装',
            subtitle: '三种风味，一次尝遍',
            specs: [{ name: '规格', values: ['10 包', '30 包'] }],
            priceFen: 4900,
            stock: 500,
            detail: ['当季烘焙，氮气锁鲜。'],
          },
          {
            title: '明前龙井 罐装',
            subtitle: '鲜爽回甘',
            specs: [{ name: '规格', values: ['50g', '100g'] }],
            priceFen: 16800,
            markupFen: 4000,
            stock: 30,
            detail: ['核心产区，手工炒制。'],
          },
        ],
      },
      {
        name: '零食',
        products: [
          {
            title: '每日坚果礼盒',
            subtitle: '30 袋独立装',
            specs: [],
            priceFen: 9900,
            markupFen: 3000,
            stock: 200,
            detail: ['六种坚果果干科学配比。'],
          },
          {
            title: '黑巧克力 70%',
            subtitle: '醇厚微苦',
            specs: [{ name: '规格', values: ['单盒', '三盒装'] }],
            priceFen: 3900,
            stock: 3,
            detail: ['可可脂纯正，不含代可可脂。'],
          },
        ],
      },
    ],
  },
];
