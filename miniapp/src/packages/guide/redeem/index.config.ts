export default definePageConfig({
  navigationBarTitleText: '绑定导购身份',
});
