export default definePageConfig({
  navigationBarTitleText: '导购推荐',
});
