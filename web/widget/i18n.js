// Every text a person sees, in Dutch (default) and English. Screens call
// t(lang, 'key.path', {vars}); a missing key shows the key itself so a gap
// is visible in tests instead of an empty label.

const nl = {
  title: 'Beeldbellen met je wijkagent',
  settings: {
    label: 'Weergave', language: 'English', languageLabel: 'Switch to English',
    contrast: 'Hoog contrast',     textSmallerLabel: 'Tekst kleiner', textLargerLabel: 'Tekst groter',
    textSize: 'Tekstgrootte {pct}%',
  },
  request: {
    heading: 'Vraag een terugbelverzoek aan',
    intro: 'Je wijkagent belt je terug. Kies of je liever beeldbelt of gewoon gebeld wordt. Velden met (verplicht) moet je invullen.',
    required: '(verplicht)', optional: '(niet verplicht)',
    name: 'Je naam', phone: 'Je telefoonnummer', phoneHint: 'Bijvoorbeeld 06 12345678.',
    email: 'Je e-mailadres', where: 'Je wijk', postcodeOption: 'Ik weet mijn wijk niet: postcode invullen',
    postcode: 'Je postcode', postcodeHint: 'Bijvoorbeeld 9722 AB.',
    topic: 'Waar gaat het over?', topicHint: 'Vertel kort waarover je je wijkagent wilt spreken. Niet voor spoed: bel dan 112.',
    preference: 'Hoe wil je gebeld worden?', video: 'Beeldbellen (video)', phoneCall: 'Gewoon bellen (telefoon)',
    window: 'Wanneer komt het je het best uit?', morning: 'Ochtend (9–12 uur)', afternoon: 'Middag (12–17 uur)',
    evening: 'Avond (17–21 uur)', any: 'Maakt niet uit',
    needs: 'Heb je hulp nodig bij het gesprek?', needsHint: 'Kies wat je helpt. Je mag ook niets kiezen.',
    captions: 'Ondertiteling', sign_language: 'Gebarentolk (NGT)', speech_to_text: 'Schrijftolk', high_contrast: 'Hoog contrast',
    submit: 'Verstuur verzoek', sending: 'Je verzoek wordt verstuurd…',
    errorSummary: 'Controleer de volgende velden:',
  },
  neighbourhoods: { 'groningen-noord': 'Groningen-Noord', 'groningen-zuid': 'Groningen-Zuid' },
  invalid: {
    name: 'Vul je naam in (hoogstens 100 tekens).',
    phone: 'Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678.',
    email: 'Dit e-mailadres klopt niet. Laat het veld leeg als je geen e-mail wilt.',
    postcode: 'Vul een postcode in zoals 9722 AB.',
    topic: 'Vertel kort waar het over gaat (hoogstens 1000 tekens).',
  },
  confirm: {
    heading: 'Je verzoek is verstuurd',
    reference: 'Je referentie', keep: 'Bewaar deze referentie. Je hebt hem nodig als je contact met ons opneemt.',
    video: 'Je wijkagent belt je terug met beeldbellen. Je krijgt dan een link; open die op dit apparaat.',
    phone: 'Je wijkagent belt je terug op je telefoon.',
    again: 'Nog een verzoek doen',
  },
  errors: {
    network: 'Er ging iets mis met de verbinding. Probeer het opnieuw, of bel 0900-8844.',
    server: 'Er ging iets mis bij ons. Probeer het later opnieuw, of bel 0900-8844.',
    rateLimited: 'Je hebt het te vaak geprobeerd. Wacht {s} seconden en probeer het opnieuw.',
    heading: 'Dat lukte niet',
  },
  invite: {
    checking: 'We controleren je uitnodiging…',
    failedHeading: 'Deze link werkt niet (meer)',
    badLink: 'Deze uitnodigingslink is niet compleet. Open de link opnieuw vanuit je bericht.',
    help: 'Vraag je wijkagent om een nieuwe uitnodiging, of bel 0900-8844.',
    backToForm: 'Naar het terugbelformulier',
  },
  device: {
    heading: 'Controleer je camera en geluid',
    intro: 'Je wijkagent {officer} belt je zo. Kijk of alles werkt voordat je naar de wachtkamer gaat.',
    preview: 'Zo zie jij eruit', previewLabel: 'Voorbeeld van je camera',
    mic: 'Geluid van je microfoon', micHint: 'Zeg iets. De balk beweegt als je microfoon werkt.',
    speaker: 'Test je luidspreker', speakerHint: 'Je hoort een korte toon.', speakerPlayed: 'De testtoon is afgespeeld.',
    asking: 'Je browser vraagt of beeldbel je camera en microfoon mag gebruiken. Kies "Toestaan".',
    ready: 'Je camera en microfoon werken.',
    denied: 'Beeldbel mag je camera of microfoon niet gebruiken.',
    deniedHelp: [
      'Klik in de adresbalk op het slotje of camera-icoon.',
      'Zet camera en microfoon op "Toestaan".',
      'Klik hieronder op "Opnieuw proberen".',
    ],
    deniedAlt: 'Lukt het niet? Ga toch naar de wachtkamer; je wijkagent kan je dan ook bellen. Of bel 0900-8844.',
    noDevice: 'We vinden geen camera of microfoon. Sluit er een aan of ga door zonder.',
    retry: 'Opnieuw proberen', continue: 'Naar de wachtkamer',
  },
  waiting: {
    heading: 'Wachtkamer',
    text: 'Je wijkagent {officer} ({team}) komt zo in het gesprek. Je hoeft niets te doen.',
    connecting: 'Verbinding maken…', leave: 'Wachtkamer verlaten',
    engineFailed: 'Beeldbellen werkt niet in deze browser. Je wijkagent kan je ook gewoon bellen; of bel 0900-8844.',
    engineChanged: 'Beeldbellen is uitgezet: de software op deze website is niet de versie die de politie heeft vrijgegeven, dus we kunnen niet garanderen dat het gesprek veilig is. Je wijkagent kan je ook gewoon bellen; of bel 0900-8844.',
  },
  call: {
    heading: 'Gesprek met {officer}', region: 'Videobeelden',
    you: 'Jij (eigen beeld)', mute: 'Microfoon dempen', cameraOff: 'Camera uit', switchCamera: 'Wissel camera', signMode: 'Gebarentaal-modus',
    signHint: 'Vergroot het beeld van {name}.', pin: 'Vergroot {name}',
    controls: 'Bediening van het gesprek', hangUp: 'Ophangen', rtt: 'Tekstgesprek', rttInput: 'Jouw tekst (de ander ziet het terwijl je typt)',
    rttSend: 'Verstuur regel', rttLog: 'Tekstgesprek met {officer}', rttMine: 'Jij', rttTheirs: '{name}',
    rttTyping: 'typt…',
    captions: 'Ondertiteling', verified: 'Geverifieerde politiemedewerker', notVerified: 'Niet geverifieerd: dit is mogelijk geen echte politiemedewerker. Hang op en bel 0900-8844.',
    why: { expired: 'Het certificaat is verlopen.', unknown_ca: 'Het certificaat is niet van de politie.', revoked: 'Het certificaat is ingetrokken.',
      wrong_officer: 'Dit is niet de agent met wie het gesprek is afgesproken.', bad_signature: 'De handtekening klopt niet.' },
    sas: 'Veiligheidscode', sasHint: 'Je wijkagent noemt dezelfde code. Is die anders? Hang dan op.',
    people: '{n} mensen in dit gesprek, jij meegerekend. Zie je er minder? Hang dan op.',
    quality: 'Verbinding: {q}', good: 'goed', fair: 'matig', poor: 'slecht',
    reconnecting: 'De verbinding is even weg. We proberen opnieuw te verbinden…',
    reconnected: 'De verbinding is hersteld.',
    connected: 'Je bent in gesprek met {officer}.',
    confirmHangUp: 'Wil je het gesprek beëindigen?', confirmYes: 'Ja, ophangen', confirmNo: 'Nee, doorgaan',
  },
  ended: {
    heading: 'Het gesprek is beëindigd', thanks: 'Bedankt voor het gesprek met je wijkagent.',
    duration: 'Het gesprek duurde {min} minuten en {sec} seconden.', close: 'Terug naar het begin',
    leftHeading: 'Je hebt de wachtkamer verlaten', leftText: 'Open de link opnieuw als je toch wilt beeldbellen, of bel 0900-8844.',
  },
};

const en = {
  title: 'Video call with your neighbourhood officer',
  settings: {
    label: 'Display', language: 'Nederlands', languageLabel: 'Schakel naar Nederlands',
    contrast: 'High contrast',     textSmallerLabel: 'Smaller text', textLargerLabel: 'Larger text',
    textSize: 'Text size {pct}%',
  },
  request: {
    heading: 'Ask for a callback',
    intro: 'Your neighbourhood officer will call you back. Choose a video call or an ordinary phone call. Fields marked (required) must be filled in.',
    required: '(required)', optional: '(optional)',
    name: 'Your name', phone: 'Your phone number', phoneHint: 'For example 06 12345678.',
    email: 'Your e-mail address', where: 'Your neighbourhood', postcodeOption: 'I do not know my neighbourhood: enter postcode',
    postcode: 'Your postcode', postcodeHint: 'For example 9722 AB.',
    topic: 'What is it about?', topicHint: 'Tell briefly what you would like to discuss. Not for emergencies: call 112.',
    preference: 'How would you like to be called?', video: 'Video call', phoneCall: 'Ordinary phone call',
    window: 'When suits you best?', morning: 'Morning (9–12)', afternoon: 'Afternoon (12–17)',
    evening: 'Evening (17–21)', any: 'Any time',
    needs: 'Do you need help during the call?', needsHint: 'Choose what helps you. You may choose nothing.',
    captions: 'Captions', sign_language: 'Sign-language interpreter (NGT)', speech_to_text: 'Speech-to-text interpreter', high_contrast: 'High contrast',
    submit: 'Send request', sending: 'Sending your request…',
    errorSummary: 'Please check these fields:',
  },
  neighbourhoods: { 'groningen-noord': 'Groningen-Noord', 'groningen-zuid': 'Groningen-Zuid' },
  invalid: {
    name: 'Enter your name (at most 100 characters).',
    phone: 'Enter a valid phone number, for example 06 12345678.',
    email: 'This e-mail address is not valid. Leave it empty if you do not want e-mail.',
    postcode: 'Enter a postcode such as 9722 AB.',
    topic: 'Tell briefly what it is about (at most 1000 characters).',
  },
  confirm: {
    heading: 'Your request has been sent',
    reference: 'Your reference', keep: 'Keep this reference. You need it when you contact us.',
    video: 'Your neighbourhood officer will call you back by video. You will get a link; open it on this device.',
    phone: 'Your neighbourhood officer will call you back on your phone.',
    again: 'Make another request',
  },
  errors: {
    network: 'Something went wrong with the connection. Try again, or call 0900-8844.',
    server: 'Something went wrong on our side. Try again later, or call 0900-8844.',
    rateLimited: 'You tried too often. Wait {s} seconds and try again.',
    heading: 'That did not work',
  },
  invite: {
    checking: 'Checking your invitation…',
    failedHeading: 'This link does not work (any more)',
    badLink: 'This invitation link is incomplete. Open the link again from your message.',
    help: 'Ask your neighbourhood officer for a new invitation, or call 0900-8844.',
    backToForm: 'Go to the callback form',
  },
  device: {
    heading: 'Check your camera and sound',
    intro: 'Your neighbourhood officer {officer} will call you soon. Check that everything works before you go to the waiting room.',
    preview: 'This is how you look', previewLabel: 'Preview of your camera',
    mic: 'Sound from your microphone', micHint: 'Say something. The bar moves when your microphone works.',
    speaker: 'Test your speaker', speakerHint: 'You will hear a short tone.', speakerPlayed: 'The test tone has played.',
    asking: 'Your browser asks whether beeldbel may use your camera and microphone. Choose "Allow".',
    ready: 'Your camera and microphone work.',
    denied: 'beeldbel is not allowed to use your camera or microphone.',
    deniedHelp: [
      'Click the padlock or camera icon in the address bar.',
      'Set camera and microphone to "Allow".',
      'Click "Try again" below.',
    ],
    deniedAlt: 'Still not working? Go to the waiting room anyway; your officer can also phone you. Or call 0900-8844.',
    noDevice: 'We cannot find a camera or microphone. Connect one or continue without.',
    retry: 'Try again', continue: 'Go to the waiting room',
  },
  waiting: {
    heading: 'Waiting room',
    text: 'Your neighbourhood officer {officer} ({team}) will join shortly. You do not need to do anything.',
    connecting: 'Connecting…', leave: 'Leave the waiting room',
    engineFailed: 'Video calling does not work in this browser. Your officer can phone you instead; or call 0900-8844.',
    engineChanged: 'Video calling is switched off: the software on this website is not the version the police released, so we cannot promise the call is private. Your officer can phone you instead; or call 0900-8844.',
  },
  call: {
    heading: 'Call with {officer}', region: 'Video',
    you: 'You (self view)', mute: 'Mute microphone', cameraOff: 'Camera off', switchCamera: 'Switch camera', signMode: 'Sign-language mode',
    signHint: 'Enlarge the video of {name}.', pin: 'Enlarge {name}',
    controls: 'Call controls', hangUp: 'Hang up', rtt: 'Text chat', rttInput: 'Your text (the other side sees it as you type)',
    rttSend: 'Send line', rttLog: 'Text chat with {officer}', rttMine: 'You', rttTheirs: '{name}',
    rttTyping: 'typing…',
    captions: 'Captions', verified: 'Verified police officer', notVerified: 'Not verified: this may not be a real police officer. Hang up and call 0900-8844.',
    why: { expired: 'The certificate has expired.', unknown_ca: 'The certificate is not from the police.', revoked: 'The certificate has been revoked.',
      wrong_officer: 'This is not the officer the call was arranged with.', bad_signature: 'The signature is not valid.' },
    sas: 'Security code', sasHint: 'Your officer reads out the same code. Is it different? Then hang up.',
    people: '{n} people in this call, you included. Do you see fewer? Then hang up.',
    quality: 'Connection: {q}', good: 'good', fair: 'fair', poor: 'poor',
    reconnecting: 'The connection dropped. Trying to reconnect…',
    reconnected: 'The connection is back.',
    connected: 'You are in a call with {officer}.',
    confirmHangUp: 'Do you want to end the call?', confirmYes: 'Yes, hang up', confirmNo: 'No, continue',
  },
  ended: {
    heading: 'The call has ended', thanks: 'Thank you for talking to your neighbourhood officer.',
    duration: 'The call lasted {min} minutes and {sec} seconds.', close: 'Back to the start',
    leftHeading: 'You left the waiting room', leftText: 'Open the link again if you still want a video call, or call 0900-8844.',
  },
};

export const STRINGS = { nl, en };
export const LANGS = ['nl', 'en'];

export function normLang(v) { return v === 'en' ? 'en' : 'nl'; }

export function t(lang, key, vars) {
  let v = key.split('.').reduce((o, k) => (o == null ? o : o[k]), STRINGS[normLang(lang)]);
  if (v == null) return key;
  if (typeof v === 'string' && vars) v = v.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return v;
}

/** The service's bilingual error message, or a fallback in our own words. */
export function serviceMessage(lang, message, fallbackKey) {
  const l = normLang(lang);
  if (message && typeof message === 'object' && typeof message[l] === 'string' && message[l].length <= 500) return message[l];
  return fallbackKey ? t(lang, fallbackKey) : '';
}
