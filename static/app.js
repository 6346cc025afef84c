// Pathway's web app: sign in and out with a cookie session.
"use strict";

let csrfToken = "";

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const res = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw data;
  return data;
}

function show(me) {
  csrfToken = me.csrf_token || "";
  document.getElementById("who").textContent = me.user.email;
  document.getElementById("role").textContent = me.user.role;
  document.getElementById("signin").hidden = true;
  document.getElementById("welcome").hidden = false;
}

document.getElementById("signin").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const err = document.getElementById("signin-error");
  err.textContent = "";
  try {
    show(await api("POST", "/session", { email: ev.target.email.value, password: ev.target.password.value }));
  } catch (p) {
    err.textContent = (p && p.detail) || "Sign-in failed. Please try again.";
  }
});

document.getElementById("signout").addEventListener("click", async () => {
  await api("DELETE", "/session");
  location.reload();
});

api("GET", "/me").then(show).catch(() => {});
