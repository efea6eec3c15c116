import { createApp } from 'vue';
import {
  ElAlert, ElButton, ElCard, ElConfigProvider, ElDatePicker, ElDescriptions, ElDescriptionsItem,
  ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput, ElInputNumber, ElOption, ElPagination, ElSelect,
  ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag,
} from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';

const app = createApp(App);
// Only the Element Plus components the pages use (keeps the bundle small).
for (const c of [
  ElAlert, ElButton, ElCard, ElConfigProvider, ElDatePicker, ElDescriptions, ElDescriptionsItem,
  ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElInput, ElInputNumber, ElOption, ElPagination, ElSelect,
  ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag,
]) {
  app.component(c.name, c);
}
app.use(i18n);
app.use(router);
app.mount('#app');
