export default definePageConfig({
  navigationBarTitleText: '我的店铺码',
  // 分享 sends the guide's shop (useShareAppMessage), not this page.
  enableShareAppMessage: true,
});
