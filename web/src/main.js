import { createApp } from 'vue';
import {
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput, ElInputNumber,
  ElMenu, ElMenuItem, ElOption, ElPagination, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElSwitch,
  ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip, ElLoading,
} from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';

const app = createApp(App);
for (const c of [
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput, ElInputNumber,
  ElMenu, ElMenuItem, ElOption, ElPagination, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElSwitch,
  ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip,
]) {
  app.component(c.name, c);
}
app.use(ElLoading);
app.use(i18n);
app.use(router);
app.mount('#app');
