export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/category/index',
    'pages/cart/index',
    'pages/profile/index',
    'pages/search/index',
    'pages/product/index',
    // The guide shop: the target of guides' mini-program codes, so it stays in the main package.
    'pages/shop/index',
    'pages/address/list/index',
    'pages/address/edit/index',
    'pages/checkout/index',
    'pages/pay-result/index',
    // 我的导购: in the main package, where the WeCom contact plugin (below) can be used.
    'pages/my-guide/index',
    'pages/orders/list/index',
    'pages/orders/detail/index',
  ],
  subPackages: [
    // After-sales pages: opened from an order, so kept out of the main package.
    { root: 'packages/after-sales', pages: ['request/index', 'list/index', 'detail/index'] },
    // The guide workbench and invitation redemption: only guides (and those becoming one) open them.
    {
      root: 'packages/guide',
      pages: [
        'workbench/index',
        'redeem/index',
        'picks/index',
        'shop-code/index',
        'guide-order/index',
        'performance/index',
        'customers/index',
      ],
    },
    // A guide's shared cart (代客下单): opened from the guide's share, so kept out of the main package.
    { root: 'packages/guide-cart', pages: ['index'] },
  ],
  // The WeCom contact plugin (企业微信「联系我」): the payment result page and 我的导购 show its cell (weapp only; see README).
  ...(process.env.TARO_ENV === 'weapp' && { plugins: { contactPlugin: { version: '1.4.3', provider: 'wx104a1a20c3f81ec2' } } }),
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '导购商城',
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: '#666666',
    selectedColor: '#e4393c',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      {
        pagePath: 'pages/home/index',
        iconPath: 'assets/tab-bar/home.png',
        selectedIconPath: 'assets/tab-bar/home-active.png',
        text: '首页',
      },
      {
        pagePath: 'pages/category/index',
        iconPath: 'assets/tab-bar/category.png',
        selectedIconPath: 'assets/tab-bar/category-active.png',
        text: '分类',
      },
      {
        pagePath: 'pages/cart/index',
        iconPath: 'assets/tab-bar/cart.png',
        selectedIconPath: 'assets/tab-bar/cart-active.png',
        text: '购物车',
      },
      {
        pagePath: 'pages/profile/index',
        iconPath: 'assets/tab-bar/profile.png',
        selectedIconPath: 'assets/tab-bar/profile-active.png',
        text: '我的',
      },
    ],
  },
});
