// The web app's words in Spanish. One "key": "text", per line;
// every key here is in the other catalogue too (static/i18n_test.go).
// Each area keeps its keys in its own section, under its comment.

export default {
  // app: the shell, navigation and messages every page shares

  // signin

  // words: rungs, capacities, strategies, kinds and other closed sets

  // people: the people list and search
  "people.title": "Personas en el camino",
  "people.crumb": "Personas",
  "people.search.region": "Buscar personas",
  "people.search.label": "Nombre o ID del sistema de casos",
  "people.search.hint": "No importan las mayúsculas ni los acentos: lucia encuentra a Lucía.",
  "people.search.submit": "Buscar",
  "people.filter.rung": "Peldaño",
  "people.filter.any_rung": "Cualquier peldaño",
  "people.filter.program": "Programa",
  "people.filter.any_program": "Cualquier programa",
  "people.sort.label": "Orden",
  "people.sort.name": "Nombre, de la A a la Z",
  "people.sort.last_engaged": "Última participación, la más reciente primero",
  "people.sort.added": "Fecha en que se agregaron",
  "people.list.label": "Personas encontradas",
  "people.list.no_match": "Nadie coincide con esa búsqueda.",
  "people.list.nobody": "Todavía no se ha agregado a nadie.",
  "people.list.count.one": "Se muestra {n} persona.",
  "people.list.count.other": "Se muestran {n} personas.",
  "people.list.count_more.one": "Se muestra {n} persona (hay más).",
  "people.list.count_more.other": "Se muestran {n} personas (hay más).",
  "people.list.more": "Mostrar más",
  "people.list.loading": "Cargando…",
  "people.recent.title": "Personas que abrió hace poco",
  "people.card.ref": "ID del sistema de casos ",
  "people.card.rung": "Ahora en: ",
  "people.card.last_engaged": "Participó por última vez el {date}",
  "people.card.never_engaged": "Aún no tiene participaciones registradas",
  "people.event.link": "Registrar un evento",
  "people.event.link_program": "Registrar un evento de este programa",
  "people.add.link": "Agregar a una persona",
  "people.new.title": "Agregar a una persona",
  "people.new.submit": "Agregar persona",
  "people.new.busy": "Agregando…",
  "people.new.ref": "ID del sistema de casos",
  "people.new.ref_hint": "Su ID en su sistema de gestión de casos, para que ambos registros coincidan.",
  "people.new.name": "Nombre preferido",
  "people.new.name_hint": "El nombre con el que le gusta que la llamen o lo llamen.",
  "people.new.programs": "Programas",
  "people.new.consent": "Consentimiento",
  "people.new.consent_hint": "Pathway solo acompaña a las personas que lo han aceptado.",
  "people.new.consent_date": "Fecha en que dio su consentimiento",
  "people.new.consent_method": "Cómo lo dio",
  "people.new.scopes": "Aceptó",
  "people.new.scopes_hint": "No hay nada marcado de antemano: marque cada cosa que la persona aceptó. Seguir su camino debe estar marcado, porque Pathway no guarda registros de nadie que no lo haya aceptado; el formulario no se guardará sin eso. Compartir su historia es necesario antes de cualquier participación pública como orador.",
  "people.new.scopes_error_label": "Consentimiento:",
  "people.new.scopes_needed": "marque «{scope}» cuando la persona lo haya aceptado; Pathway no puede acompañar a nadie sin eso",
  "people.new.scope_required": "{scope} (obligatorio)",
  "people.new.rung": "Peldaño de inicio",
  "people.new.added": "Se agregó a {name} en el peldaño {rung}.",

  // event: logging an event's attendance
  "event.nav": "Registrar un evento",
  "event.title": "Registrar un evento",
  "event.crumb": "Personas",
  "event.lede": "Una ocasión, todas las personas que vinieron, un solo guardado: cada persona recibe la participación en su camino.",
  "event.what": "Qué pasó",
  "event.activity": "Actividad",
  "event.activity_hint": "Por ejemplo: Cena comunitaria, Reunión de inquilinos sobre el alza de alquileres.",
  "event.date": "Fecha",
  "event.program": "Programa",
  "event.program_hint": "Una participación dentro de un programa cuenta como evidencia para un siguiente paso en el camino. Se elige por usted el programa que usó la última vez.",
  "event.no_program": "No es parte de un programa",
  "event.strategy": "Estrategia de cambio social",
  "event.no_strategy": "Ninguna",
  "event.note": "Nota para todas las personas que vinieron (opcional)",
  "event.attendees": "Quiénes vinieron",
  "event.chosen.label": "Personas elegidas",
  "event.chosen.none": "Todavía no eligió a nadie. Marque a las personas abajo, o elíjalas a todas de una vez.",
  "event.chosen.count.one": "{n} persona elegida:",
  "event.chosen.count.other": "{n} personas elegidas:",
  "event.remove": "Quitar a {name}",
  "event.remove_short": "Quitar",
  "event.search": "Buscar a alguien por nombre o ID del sistema de casos",
  "event.search_hint": "No importan las mayúsculas ni los acentos.",
  "event.source.label": "Mostrar",
  "event.source.program": "Personas en {program}",
  "event.source.recent": "Personas que abrió hace poco",
  "event.source.search": "Resultados de la búsqueda",
  "event.found.program": "Personas en {program}",
  "event.found.recent": "Personas que abrió hace poco",
  "event.found.search": "Resultados de la búsqueda",
  "event.found.none": "Nadie coincide con esa búsqueda.",
  "event.found.no_recent": "Todavía no ha abierto la página de nadie. Búsquelas arriba.",
  "event.found.none_in_program": "Nadie está inscrito en este programa ahora.",
  "event.found.more": "Mostrar más personas",
  "event.select_all": "Elegir a todas las personas que se muestran",
  "event.select_all_n.one": "Elegir a la {n} persona que se muestra",
  "event.select_all_n.other": "Elegir a las {n} personas que se muestran",
  "event.clear_shown": "Quitar a todas las personas que se muestran",
  "event.save": "Guardar el evento",
  "event.save_for.one": "Guardar el evento para {n} persona",
  "event.save_for.other": "Guardar el evento para {n} personas",
  "event.saving": "Guardando…",
  "event.none_chosen": "Elija al menos a una persona que vino.",
  "event.none_chosen_field": "necesita al menos una persona",
  "event.refused.lead.one": "No se guardó nada, por {n} persona que aparece abajo. Todo lo que eligió y escribió sigue aquí.",
  "event.refused.lead.other": "No se guardó nada, por {n} personas que aparecen abajo. Todo lo que eligió y escribió sigue aquí.",
  "event.refused.one": "{name}: {why}",
  "event.refused.drop.one": "Dejar fuera a esa persona",
  "event.refused.drop.other": "Dejar fuera a esas {n} personas",
  "event.refused.nothing_saved": "No se guardó nada. Algunas de las personas elegidas no pueden tener este evento; están marcadas en Quiénes vinieron.",
  "event.saved.one": "Se registró {activity} para {n} persona.",
  "event.saved.other": "Se registró {activity} para {n} personas.",

  // person: one person's page, journey, check-ins and consent

  // suggestions

  // bodies: boards, bureaus, seats, terms and talks

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
};
