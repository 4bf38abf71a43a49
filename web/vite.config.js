// Vite build of the Zhijian web UI. `npm run build` writes web/dist, which the C++ server serves
// with `zhijian serve --static web/dist`; `npm run dev` proxies the API to a local server.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = process.env.ZJ_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  define: {
    // vue-i18n: Composition API only, no devtools hooks in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        // Split the large libraries from the app code so that app changes keep them cached.
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) {
            return 'echarts'
          }
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) {
            return 'element-plus'
          }
          // QR decoding and the signature/hash code only the verification page needs.
          if (id.includes('node_modules/jsqr') || id.includes('node_modules/@noble')) return 'verify-libs'
          if (id.includes('node_modules/')) return 'vendor'
          return undefined
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
})
