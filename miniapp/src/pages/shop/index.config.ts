export default definePageConfig({
  navigationBarTitleText: '导购小店',
  // Shares carry the sharer's guide code (see components/guide-share).
  enableShareAppMessage: true,
  enableShareTimeline: true,
});
