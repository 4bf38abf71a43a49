// The save flow every registry edit form shares: validate the form, run an optional check of
// its own, send the request, then report the saved record and close — or show the server's
// message (403/404 included; a 401 already sends the user to the login page).
import { ref } from 'vue'
import { errorMessage } from '../../api.js'

export function useEditForm(locale) {
  const formRef = ref(null)
  const saving = ref(false)
  const problem = ref('')

  // `check()` returns a message that stops the save, or ''; `send()` returns the saved record;
  // `done(saved)` runs after a successful save.
  async function submit({ check = () => '', send, done }) {
    problem.value = ''
    if (formRef.value) {
      const ok = await formRef.value.validate().catch(() => false)
      if (!ok) return
    }
    const why = check()
    if (why) {
      problem.value = why
      return
    }
    saving.value = true
    try {
      done(await send())
    } catch (e) {
      if (e.status !== 401) problem.value = errorMessage(e, locale.value)
    } finally {
      saving.value = false
    }
  }

  return { formRef, saving, problem, submit }
}
