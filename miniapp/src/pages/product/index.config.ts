export default definePageConfig({
  navigationBarTitleText: '商品详情',
  // Shares carry the sharer's guide code (see components/guide-share).
  enableShareAppMessage: true,
  enableShareTimeline: true,
});
