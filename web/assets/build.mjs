// Builds Front Door's browser assets into web/static/build/ (gitignored).
//
//   npm ci --omit=optional --ignore-scripts && npm run build
//
// (`--omit=optional` skips sass's native file watcher, which the build does not
// use; `--ignore-scripts` because no package here needs an install step.)
//
// What it writes:
//   app.css                  web/assets/scss/app.scss, compressed, no source map
//   app.mjs                  web/assets/js/app.mjs (an ES module; CSP-safe)
//   js/*.mjs                 the app's other modules in web/assets/js/ (recommendation.mjs)
//   js/govuk-frontend.min.js GOV.UK Frontend's ES module build (+ .map)
//   js/moj-frontend.min.js   MOJ Frontend's self-contained ES module build (+ .map)
//   assets/images/, assets/manifest.json
//                            GOV.UK and MOJ Frontend images, and the app's own icon.
//                            Never the fonts: GDS Transport is for GOV.UK services only.
//   test/axe.min.js          axe-core, loaded only by the browser tests
//   swagger-ui/              Swagger UI's bundle and stylesheet for /api/docs (served by
//                            the app itself: the API's docs need no internet)
//
// Any error ends the build with a message saying what failed and exit code 1, and
// leaves web/static/build/ as it was, so `make run` and `make test` stop there.
// Only dependency: the pure-JavaScript `sass` package.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MODULES = join(ROOT, 'node_modules')
const SOURCE = join(ROOT, 'web', 'assets')
const OUT = join(ROOT, 'web', 'static', 'build')
// Built here first and moved into place only when complete, so a running app
// never serves half a build (node_modules/ is gitignored).
const STAGE = join(MODULES, '.cache', 'front-door-build')
const GOVUK = join(MODULES, 'govuk-frontend', 'dist', 'govuk')
const MOJ = join(MODULES, '@ministryofjustice', 'frontend', 'moj')

/** The URL prefix the stylesheet uses for images; must match scss/_settings.scss. */
const ASSETS_URL = '/static/build/assets/'

class BuildError extends Error {}

/** Stop the build if a file or folder it needs is missing. */
function need (path, hint) {
  if (!existsSync(path)) {
    throw new BuildError(`missing ${relative(ROOT, path)}${hint ? ` (${hint})` : ''}`)
  }
  return path
}

/** Copy one file, creating the destination folder. */
function copyFile (from, to) {
  need(from, 'is the npm package installed at the version in package-lock.json?')
  mkdirSync(dirname(to), { recursive: true })
  cpSync(from, to)
}

/** Compile the stylesheet; GOV.UK and MOJ packages are found through `pkg:` URLs. */
async function buildCss () {
  const sass = await import('sass')
  const result = sass.compile(need(join(SOURCE, 'scss', 'app.scss')), {
    style: 'compressed',
    sourceMap: false,
    // MOJ Frontend loads GOV.UK Frontend as "node_modules/govuk-frontend/...".
    loadPaths: [ROOT],
    importers: [new sass.NodePackageImporter(ROOT)],
    // Deprecation notices inside the packages are theirs to fix, not ours;
    // warnings from our own Sass are still printed.
    quietDeps: true
  })
  writeFileSync(join(STAGE, 'app.css'), result.css)
  return result.css
}

/** Copy the images the stylesheet and templates refer to. */
function copyImages () {
  const images = join(STAGE, 'assets', 'images')
  cpSync(need(join(GOVUK, 'assets', 'images')), images, { recursive: true })
  copyFile(join(GOVUK, 'assets', 'manifest.json'), join(STAGE, 'assets', 'manifest.json'))
  cpSync(need(join(MOJ, 'assets', 'images')), images, { recursive: true, force: false, errorOnExist: false })
  cpSync(need(join(SOURCE, 'images')), images, { recursive: true })
}

/** Copy the ES modules; app.mjs imports the two libraries by relative path. */
function copyScripts () {
  for (const file of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
    copyFile(join(GOVUK, file), join(STAGE, 'js', file))
  }
  for (const file of ['moj-frontend.min.js', 'moj-frontend.min.js.map']) {
    copyFile(join(MOJ, file), join(STAGE, 'js', file))
  }
  copyFile(join(SOURCE, 'js', 'app.mjs'), join(STAGE, 'app.mjs'))
  // The app's own modules beside app.mjs (e.g. recommendation.mjs) go to js/, where
  // app.mjs imports them from './js/<name>.mjs'.
  for (const file of readdirSync(join(SOURCE, 'js')).filter((f) => f.endsWith('.mjs') && f !== 'app.mjs')) {
    copyFile(join(SOURCE, 'js', file), join(STAGE, 'js', file))
  }
  copyFile(join(MODULES, 'axe-core', 'axe.min.js'), join(STAGE, 'test', 'axe.min.js'))
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE', 'NOTICE']) {
    copyFile(join(MODULES, 'swagger-ui-dist', file), join(STAGE, 'swagger-ui', file))
  }
}

/** Refuse a stylesheet that breaks the rules the tests check, or points at missing files. */
function checkCss (css) {
  if (/GDS Transport/i.test(css)) {
    throw new BuildError('app.css mentions GDS Transport: the council font stack was not applied')
  }
  if (/@font-face/i.test(css)) {
    throw new BuildError('app.css declares an @font-face: only the council font stack is allowed')
  }
  if (/url\(\s*["']?(https?:)?\/\//i.test(css)) {
    throw new BuildError('app.css loads something from another site: assets must be served by the app')
  }
  for (const [, url] of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
    if (url.startsWith('data:') || url.startsWith('#')) continue
    if (!url.startsWith(ASSETS_URL)) {
      throw new BuildError(`app.css refers to ${url}, outside ${ASSETS_URL}`)
    }
    need(join(STAGE, 'assets', url.slice(ASSETS_URL.length).split(/[?#]/)[0]), 'referred to by app.css')
  }
}

/** Refuse a node_modules/ that differs from the exact versions in package.json. */
function checkPins () {
  const wanted = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies
  for (const [name, version] of Object.entries(wanted)) {
    const installed = JSON.parse(readFileSync(need(join(MODULES, name, 'package.json'), 'run `npm ci`'), 'utf8'))
    if (installed.version !== version) {
      throw new BuildError(`${name} ${installed.version} is installed but package.json pins ${version}: run \`npm ci\``)
    }
  }
  return wanted
}

/** Sum the sizes of the files under a folder, for the closing line. */
function folderSize (folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => statSync(join(folder, name)))
    .filter((stat) => stat.isFile())
    .reduce((sum, stat) => sum + stat.size, 0)
}

async function main () {
  const started = performance.now()
  need(MODULES, 'run `npm ci` first')
  const pins = checkPins()
  rmSync(STAGE, { recursive: true, force: true })
  mkdirSync(STAGE, { recursive: true })
  copyImages()
  copyScripts()
  const css = await buildCss()
  checkCss(css)
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(dirname(OUT), { recursive: true })
  renameSync(STAGE, OUT)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const kib = (bytes) => `${Math.round(bytes / 1024)} KiB`
  console.log(
    `Built ${relative(ROOT, OUT)}/ with govuk-frontend ${pins['govuk-frontend']} and ` +
    `@ministryofjustice/frontend ${pins['@ministryofjustice/frontend']} in ${seconds}s: ` +
    `app.css ${kib(Buffer.byteLength(css))}, all files ${kib(folderSize(OUT))}`
  )
}

main().catch((error) => {
  // Our own errors and Sass's (which quote the failing line) read best as
  // messages; anything else is unexpected, so show where it came from.
  const expected = error instanceof BuildError || error?.sassMessage !== undefined
  const detail = expected ? error.message : (error?.stack ?? String(error))
  console.error(`Front Door asset build failed: ${detail}`)
  rmSync(STAGE, { recursive: true, force: true })
  process.exitCode = 1
})
