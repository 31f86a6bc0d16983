// Security keys and passkeys: when the browser refuses or the person cancels, say so next to the
// button (allauth's webauthn.js tells us with an "allauth.error" event) instead of the console.
(function () {
  document.addEventListener('allauth.error', function (event) {
    const box = document.querySelector('[data-webauthn-error]')
    if (!box) return
    event.preventDefault()
    const name = event.detail && event.detail.exception && event.detail.exception.name
    box.textContent = name === 'NotAllowedError'
      ? 'The security key was not used: the request was cancelled or timed out. Press the button to try again.'
      : 'Your browser could not use a security key here. Try again, or use your authenticator app.'
    box.hidden = false
  })
})()
