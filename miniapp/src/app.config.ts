export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/category/index',
    'pages/cart/index',
    'pages/profile/index',
    'pages/search/index',
    'pages/product/index',
    'pages/address/list/index',
    'pages/address/edit/index',
    'pages/checkout/index',
    'pages/pay-result/index',
    'pages/orders/list/index',
    'pages/orders/detail/index',
  ],
  subPackages: [
    // After-sales pages: opened from an order, so kept out of the main package.
    { root: 'packages/after-sales', pages: ['request/index', 'list/index', 'detail/index'] },
    // The guide workbench and invitation redemption: only guides (and those becoming one) open them.
    { root: 'packages/guide', pages: ['workbench/index', 'redeem/index'] },
  ],
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
