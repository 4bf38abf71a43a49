// QR decoding in the browser with jsQR (Chromium on Linux and many phones have no
// BarcodeDetector): from an image file (upload / drop) or from camera frames. Browser-only glue
// around the pure jsQR decoder; the decoded text goes to qr.js.
import jsQR from 'jsqr'

// Large phone photos are scaled down first: jsQR's time grows with the pixel count and a code
// that fills a tenth of a 12-megapixel photo still has ~8 pixels per module at this size.
const MAX_SIDE = 1600

// The text of the QR in `imageData` (ImageData-like: data, width, height), or null.
export function decodeImageData(imageData) {
  const found = jsQR(imageData.data, imageData.width, imageData.height, { inversionAttempts: 'attemptBoth' })
  return found ? found.data : null
}

function draw(source, width, height) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height))
  const w = Math.max(1, Math.round(width * scale))
  const h = Math.max(1, Math.round(height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  // A white background: transparent PNGs would otherwise read as black.
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, w, h)
  ctx.drawImage(source, 0, 0, w, h)
  return ctx.getImageData(0, 0, w, h)
}

// The QR text of an image File/Blob, or null when none is found. Rejects when the file is not an
// image the browser can decode.
export async function decodeImageFile(file) {
  const bitmap = await createImageBitmap(file)
  try {
    return decodeImageData(draw(bitmap, bitmap.width, bitmap.height))
  } finally {
    bitmap.close?.()
  }
}

// Camera scanning: starts the rear camera in `video` and calls onText(text) with the first QR
// found; returns stop(). Rejects when the camera cannot be opened.
export async function startCameraScan(video, onText) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } },
    audio: false,
  })
  video.srcObject = stream
  video.setAttribute('playsinline', '')
  video.muted = true
  await video.play()
  let stopped = false
  let timer = null
  const stop = () => {
    stopped = true
    clearTimeout(timer)
    for (const track of stream.getTracks()) track.stop()
    video.srcObject = null
  }
  const tick = () => {
    if (stopped) return
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const text = decodeImageData(draw(video, video.videoWidth, video.videoHeight))
      if (text) {
        stop()
        onText(text)
        return
      }
    }
    timer = setTimeout(tick, 150)
  }
  tick()
  return stop
}

export function cameraAvailable() {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && window.isSecureContext !== false
}
