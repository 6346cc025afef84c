// The web app's words in Spanish. One "key": "text", per line;
// every key here is in the other catalogue too (static/i18n_test.go).
// Each area keeps its keys in its own section, under its comment.

export default {
  // app: the shell, navigation and messages every page shares

  // signin

  // words: rungs, capacities, strategies, kinds and other closed sets

  // people: the people list and search

  // event: logging an event's attendance

  // person: one person's page, journey, check-ins and consent

  // suggestions

  // bodies: boards, bureaus, seats, terms and talks
  "bodies.title": "Consejos y grupos",
  "bodies.lede": "Donde las personas ocupan cargos: consejos asesores, el grupo de oradores, la junta directiva, comités y personal.",
  "bodies.kind.advisory_board": "Consejo asesor",
  "bodies.kind.speakers_bureau": "Grupo de oradores",
  "bodies.kind.board_of_directors": "Junta directiva",
  "bodies.kind.committee": "Comité",
  "bodies.kind.staff": "Personal (contratado de la comunidad)",
  "bodies.audience.city_council": "Concejo municipal",
  "bodies.audience.state_legislature": "Legislatura estatal",
  "bodies.audience.media": "Medios de comunicación",
  "bodies.audience.funders": "Financiadores",
  "bodies.audience.conference": "Conferencia",
  "bodies.audience.school": "Escuela",
  "bodies.audience.community": "Comunidad",
  "bodies.audience.other": "Otro",
  "bodies.points_to": "ocupar un cargo aquí corresponde a",
  "bodies.seats.unlimited.one": "{n} persona participa; sin límite de puestos",
  "bodies.seats.unlimited.other": "{n} personas participan; sin límite de puestos",
  "bodies.seats.filled": "{filled} de {seats} puestos ocupados · {open} libres",
  "bodies.term_months.one": " · periodos de {n} mes",
  "bodies.term_months.other": " · periodos de {n} meses",
  "bodies.term_limit.one": ", como máximo {n} seguido",
  "bodies.term_limit.other": ", como máximo {n} seguidos",
  "bodies.saving": "Guardando…",
  "bodies.ending.heading": "Periodos que terminan en los próximos {n} días",
  "bodies.ending.none": "Ningún periodo termina en los próximos {n} días.",
  "bodies.ending.today": "Último día: {date} (hoy)",
  "bodies.ending.tomorrow": "Último día: {date} (mañana)",
  "bodies.ending.in.one": "Último día: {date} (en {n} día)",
  "bodies.ending.in.other": "Último día: {date} (en {n} días)",
  "bodies.starting.heading": "Periodos que empiezan en los próximos {n} días",
  "bodies.starting.none": "Ningún periodo empieza en los próximos {n} días.",
  "bodies.starting.tomorrow": "Empieza el {date} (mañana)",
  "bodies.starting.in.one": "Empieza el {date} (en {n} día)",
  "bodies.starting.in.other": "Empieza el {date} (en {n} días)",
  "bodies.all.heading": "Todos los consejos y grupos",
  "bodies.all.none": "Todavía no hay ninguno.",
  "bodies.add.summary": "Agregar un consejo o grupo",
  "bodies.add.submit": "Agregar",
  "bodies.add.name": "Nombre",
  "bodies.add.kind": "Tipo",
  "bodies.add.seats": "Puestos (deje vacío si no hay límite)",
  "bodies.add.rung": "Peldaño al que corresponde un cargo aquí",
  "bodies.add.rung_usual": "El habitual para este tipo",
  "bodies.add.term_months": "Duración del periodo en meses (opcional)",
  "bodies.add.term_limit": "Máximo de periodos seguidos (opcional)",
  "bodies.add.description": "Descripción (opcional)",
  "bodies.add.done": "Se agregó {name}.",
  "bodies.csv": "Descargar la lista (CSV)",
  "bodies.print": "Imprimir la lista",
  "bodies.roster.heading_today": "Quién ocupa un cargo hoy, {date}",
  "bodies.roster.heading": "Quién ocupa un cargo el {date}",
  "bodies.roster.none": "Nadie ocupa un cargo aquí el {date}.",
  "bodies.roster.unnamed": "Miembro sin consentimiento para compartir su historia",
  "bodies.roster.unnamed_note": "Las personas que no aceptaron compartir su historia en público no aparecen con su nombre en la lista: ni en pantalla, ni impresa, ni en la descarga.",
  "bodies.roster.record": "Abrir su registro",
  "bodies.roster.since": "Desde el {date}",
  "bodies.roster.starts": "Empieza el {date}",
  "bodies.roster.until": "último día: {date}",
  "bodies.roster.open": "sin fecha de término",
  "bodies.roster.pick.label": "Ver la lista del día",
  "bodies.roster.pick.submit": "Ver",
  "bodies.roster.pick.today": "Volver a hoy",
  "bodies.soon.heading": "Empiezan pronto",
  "bodies.soon.none": "Nadie empieza aquí en los próximos {n} días.",
  "bodies.end.summary": "Terminar este cargo",
  "bodies.end.for": "de {name}",
  "bodies.end.form": "Terminar el cargo de {name}",
  "bodies.end.last_day": "Último día en el cargo",
  "bodies.end.last_day_hint": "Conserva el puesto hasta este día inclusive; queda libre desde el día siguiente.",
  "bodies.end.next": "Después del último día",
  "bodies.end.fill": "Ocupar el puesto desde el día siguiente",
  "bodies.end.submit": "Terminar el cargo",
  "bodies.end.done": "El cargo de {name} como {title} termina el {date}.",
  "bodies.end.done_fill": "El cargo de {name} como {title} termina el {date}. Ahora elija quién ocupa el puesto desde el {next}.",
  "bodies.seat.summary": "Asignar un puesto a alguien",
  "bodies.seat.submit": "Asignar el puesto",
  "bodies.seat.filling": "El puesto se ocupa desde el {date}, el día después de que termina el periodo anterior.",
  "bodies.seat.find": "Buscar a la persona",
  "bodies.seat.find_hint": "Escriba parte de su nombre o de su número en el sistema de casos y luego elíjala.",
  "bodies.seat.find_button": "Buscar",
  "bodies.seat.person": "Persona",
  "bodies.seat.person_label": "La persona",
  "bodies.seat.matches.one": "{n} resultado.",
  "bodies.seat.matches.other": "{n} resultados.",
  "bodies.seat.narrow": "Escriba más para acotar la búsqueda.",
  "bodies.seat.nobody": "No hay resultados; pruebe con otra forma de escribirlo.",
  "bodies.seat.title": "Cargo",
  "bodies.seat.title_member": "Miembro",
  "bodies.seat.title_speaker": "Orador",
  "bodies.seat.starts_on": "Empieza el",
  "bodies.seat.starts_on_hint": "Un puesto queda libre el día después del último día de un periodo. Puede elegir una fecha futura.",
  "bodies.seat.ends_on": "Último día (opcional)",
  "bodies.seat.ends_on_term.one": "Si lo deja vacío, el periodo dura {n} mes: su último día es la víspera de la misma fecha un mes después.",
  "bodies.seat.ends_on_term.other": "Si lo deja vacío, el periodo dura {n} meses: su último día es la víspera de la misma fecha {n} meses después.",
  "bodies.seat.ends_on_open": "Si lo deja vacío, el periodo sigue abierto hasta que usted lo termine.",
  "bodies.seat.done": "El puesto quedó ocupado.",
  "bodies.seat.done_from": "El puesto queda ocupado desde el {date}.",
  "bodies.talks.heading": "Presentaciones",
  "bodies.talks.recent": "Últimas presentaciones",
  "bodies.talks.none": "Todavía no hay presentaciones registradas.",
  "bodies.talks.all": "Todas las presentaciones anteriores",
  "bodies.talks.speakers": "Oradores: {names}",
  "bodies.talks.count.one": "{n} orador",
  "bodies.talks.count.other": "{n} oradores",
  "bodies.talks.page_title": "Presentaciones anteriores de {name}",
  "bodies.talks.older": "Ver presentaciones más antiguas",
  "bodies.talks.shown.one": "Se muestra {n} presentación, de la más reciente a la más antigua.",
  "bodies.talks.shown.other": "Se muestran {n} presentaciones, de la más reciente a la más antigua.",
  "bodies.talk.form": "Registrar una presentación",
  "bodies.talk.submit": "Guardar la presentación",
  "bodies.talk.date": "Fecha",
  "bodies.talk.date_hint": "Los oradores se eligen entre quienes eran miembros en esta fecha.",
  "bodies.talk.audience": "Público",
  "bodies.talk.topic": "Tema",
  "bodies.talk.speakers": "Oradores",
  "bodies.talk.speakers_hint": "Miembros del grupo el {date} que aceptaron compartir su historia en público.",
  "bodies.talk.no_speakers": "Nadie que haya aceptado compartir su historia en público era miembro del grupo el {date}.",
  "bodies.talk.loading": "Buscando quiénes eran miembros el {date}…",
  "bodies.talk.pick_date": "Elija la fecha de la presentación para ver a quién puede nombrar como orador.",
  "bodies.talk.done": "Se registró la presentación.",

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
};
