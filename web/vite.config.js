import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The bundle is served by `wulian serve --web web/dist`; in development the API is proxied.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'ui';
          if (id.includes('node_modules/')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/v1': process.env.WULIAN_API || 'http://127.0.0.1:8080' },
  },
});
