import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'
import { installElement } from './element.js'
import './style.css'

const app = createApp(App)
installElement(app)
app.use(i18n)
app.use(router)
app.mount('#app')
