// The texts of the file panel (file-share.js), in Dutch and English: one copy
// that the widget's and the console's text tables both hold under 'files'.
// They address nobody in particular, so they read right for the citizen
// ("je") and the officer ("u") alike.
export const FILE_TEXTS = Object.freeze({
  nl: {
    heading: 'Bestanden',
    note: 'Deel een pdf of een foto (jpg of png) van hoogstens {mb} MB. Alleen wie in het gesprek is kan hem openen. Foto\'s gaan zonder locatie- en cameragegevens, behalve als het vakje hieronder aangevinkt is.',
    choose: 'Kies een bestand om te delen',
    keepMetadata: 'Locatie- en cameragegevens van foto\'s meesturen',
    toAll: '{name} naar iedereen in het gesprek', from: '{name} van {sender}', someone: 'iemand in het gesprek', aFile: 'Een bestand',
    progress: 'Voortgang van {name}', cancel: 'Annuleren', cancelNamed: '{name} annuleren',
    stripped: 'Zonder locatie- en cameragegevens.', photoOnly: 'Alleen de foto, zonder het bewegende deel.',
    incoming: '{sender} deelt {name}. Het komt binnen.',
    arrived: 'Binnen en gecontroleerd.', arrivedAnnounce: '{name} van {sender} is binnen.',
    photoAlt: 'Foto {name}, gedeeld door {sender}', download: '{name} downloaden',
    view: '{name} bekijken', hide: '{name} sluiten',
    pdf: {
      label: '{name}', pages: 'Pagina\'s van {name}', loading: '{name} wordt geopend…', page: 'Pagina {n} van {total}',
      shown: '{name}: {n} pagina(\'s). De tekst van elke pagina is leesbaar voor schermlezers en kan geselecteerd worden.',
      first: '{name}: de eerste {n} van {total} pagina\'s. Download het bestand om de rest te lezen.',
      failed: '{name} kan hier niet getoond worden. Download het om het te openen.',
      password: '{name} is met een wachtwoord beveiligd. Download het om het te openen.',
    },
    mb: '{n} MB', kb: '{n} kB',
    refused: {
      'too-large': '{name} is te groot: hoogstens {mb} MB.', empty: '{name} is leeg.',
      type: '{name} is geen pdf, jpg of png (of het bestand is beschadigd). Alleen die kun je delen.',
      mismatch: '{name} is niet wat de naam of het type zegt (bijvoorbeeld een png met .pdf erachter). Het is niet verstuurd.',
      busy: 'Er gaat nog een bestand. Wacht tot het aangekomen is.', alone: 'Er is nog niemand om het mee te delen.',
      engine: '{name} kon niet verstuurd worden.',
    },
    end: {
      delivered: '{name} is aangekomen.', cancelled: '{name} is geannuleerd.', declined: '{by} heeft {name} geannuleerd.',
      'no-room': '{name} paste niet meer bij {by}.', damaged: '{name} kwam beschadigd aan en is weggegooid.',
      'wrong-type': '{name} was niet wat het zei te zijn en is weggegooid.', left: '{name} is gestopt: de ander is weg.',
      unknown: '{name} is gestopt.',
    },
  },
  en: {
    heading: 'Files',
    note: 'Share a PDF or a photo (JPG or PNG) of at most {mb} MB. Only the people in the call can open it. Photos leave without location and camera data unless you choose otherwise below.',
    choose: 'Choose a file to share',
    keepMetadata: 'Send the location and camera data of photos',
    toAll: '{name} to everyone in the call', from: '{name} from {sender}', someone: 'someone in the call', aFile: 'A file',
    progress: 'Progress of {name}', cancel: 'Cancel', cancelNamed: 'Cancel {name}',
    stripped: 'Without location and camera data.', photoOnly: 'The photo only, without its moving part.',
    incoming: '{sender} is sharing {name}. It is coming in.',
    arrived: 'Arrived and checked.', arrivedAnnounce: '{name} from {sender} has arrived.',
    photoAlt: 'Photo {name}, shared by {sender}', download: 'Download {name}',
    view: 'View {name}', hide: 'Close {name}',
    pdf: {
      label: '{name}', pages: 'Pages of {name}', loading: 'Opening {name}…', page: 'Page {n} of {total}',
      shown: '{name}: {n} page(s). The text of each page can be read by screen readers and selected.',
      first: '{name}: the first {n} of {total} pages. Download the file to read the rest.',
      failed: '{name} cannot be shown here. Download it to open it.',
      password: '{name} is protected with a password. Download it to open it.',
    },
    mb: '{n} MB', kb: '{n} kB',
    refused: {
      'too-large': '{name} is too large: at most {mb} MB.', empty: '{name} is empty.',
      type: '{name} is not a PDF, JPG or PNG (or the file is damaged). Only those can be shared.',
      mismatch: '{name} is not what its name or type says (a PNG called .pdf, for example). It was not sent.',
      busy: 'Another file is still going. Wait until it has arrived.', alone: 'There is nobody to share it with yet.',
      engine: '{name} could not be sent.',
    },
    end: {
      delivered: '{name} has arrived.', cancelled: '{name} was cancelled.', declined: '{by} cancelled {name}.',
      'no-room': '{name} did not fit at {by}.', damaged: '{name} arrived damaged and was thrown away.',
      'wrong-type': '{name} was not what it said it was and was thrown away.', left: '{name} stopped: the other person left.',
      unknown: '{name} stopped.',
    },
  },
});

