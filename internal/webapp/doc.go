// Package webapp holds the end-to-end tests of Pathway's web app: a real
// browser (Debian's chromium, driven by chromedp) against the real server,
// signing in as each role and doing the work each role does, with an
// accessibility check (axe-core) on every main page.
package webapp
