// The texts the Rust core writes in English (each step's `detail` lines, a report's `error`, a
// receipt check's `error`, the source descriptions...), in French.
//
// The catalogue lists each sentence the core can write as a template with named placeholders,
// `{name}`, next to its French template. `translate(text, lang, opts)` finds the template that
// gives `text` and fills the French one:
// - a placeholder whose value is itself a sentence of the core (a nested error's `{detail}`, a
//   `{why}`, a `{reason}`, a field label...) is translated in turn (NESTED below);
// - a placeholder holding one of a few fixed English words (a method, a step, a weekday, a
//   lottery group...) is put in French (WORDS below);
// - a UTC time (`{time}`, `{announced}`) goes through `opts.paris(utc)`, the page's formatter
//   (which shows the time in Paris with UTC beside it; by default the value is left as it is);
// - anything else is data (tickets, feature names and values, numbers, hashes): kept as it is.
//
// A classic script (the page also works opened from its files): it defines
// `globalThis.KleroterionCoreText = {translate, CATALOGUE}`.
//
// French typography follows i18n.js: an ordinary space before « : », « ; », « ? », inside
// « guillemets », and the apostrophe ’.

(() => {
'use strict';

/** [English template, French template]; `{name}` is a placeholder (an identifier in braces). */
const CATALOGUE = [
  // ---- verify/mod.rs, verify/steps.rs: the steps of a report ----
  ['the file is not a readable kleroterion bundle: {detail}', 'le fichier n’est pas un dossier kleroterion lisible : {detail}'],
  ['this file is not a kleroterion bundle (format "{format}")', 'ce fichier n’est pas un dossier kleroterion (format « {format} »)'],
  ['the manifest does not hash to the commitment you gave (as published): it was changed after the commitment was published, or this is not the commitment of this draw',
    'l’empreinte du manifeste n’est pas l’engagement que vous avez saisi (tel que publié) : le manifeste a été modifié après la publication de l’engagement, ou cet engagement n’est pas celui de ce tirage'],
  ['the manifest does not hash to the bundle\'s own copy of the commitment: it was changed after the commitment was published, or this is not the commitment of this draw',
    'l’empreinte du manifeste n’est pas la copie de l’engagement que donne le dossier : le manifeste a été modifié après la publication de l’engagement, ou cet engagement n’est pas celui de ce tirage'],
  ['the bundle\'s own commitment field differs from the manifest\'s hash', 'le champ « commitment » du dossier diffère de l’empreinte du manifeste'],
  ['equal to the commitment you gave', 'égal à l’engagement que vous avez saisi'],
  ['compared only with the bundle\'s own copy: compare it by hand with the published commitment (below)',
    'comparé seulement à la copie que donne le dossier : comparez-le à la main avec l’engagement publié (plus bas)'],
  ['{n} records, sealed: each publishes a salted commitment to its values instead of the values',
    '{n} fiches, scellées : chacune publie un sceau (un engagement salé sur ses valeurs) au lieu de ses valeurs'],
  ['{n} records', '{n} fiches'],
  ['disclosure: the pool publishes nothing but tickets', 'divulgation : le vivier ne publie que des tickets'],
  ['the manifest\'s floor is {floor}: the organiser lowered it below the default of {default}',
    'le seuil du manifeste est {floor} : l’organisateur l’a abaissé sous la valeur par défaut, {default}'],
  ['the manifest\'s floor is {floor}', 'le seuil du manifeste est {floor}'],
  ['disclosure: the smallest cell holds {smallest} record(s), {alone} record(s) are alone in their cell; {note}',
    'divulgation : le plus petit groupe de fiches aux valeurs identiques en compte {smallest}, et {alone} fiche(s) sont seules dans leur groupe ; {note}'],
  ['no portfolio: not the lottery method', 'pas de portefeuille : ce n’est pas la méthode loterie'],
  ['{m} panels, each of {k} distinct people and keeping the household rule; the features are sealed, so their quotas cannot be checked here: the drawn panel\'s are (quotas step), and a panel that breaks them is exposed if it is drawn, with probability 1/{m}',
    '{m} panels, chacun de {k} personnes distinctes et respectant la règle des foyers ; les caractéristiques sont scellées, donc leurs quotas ne peuvent pas être contrôlés ici : ceux du panel tiré le sont (étape des quotas), et un panel qui les enfreint serait démasqué s’il était tiré, avec une probabilité de 1/{m}'],
  ['{m} panels, each meeting every quota', '{m} panels, chacun respectant chaque quota'],
  ['the bundle carries openings, but its pool is open: an open pool has nothing to open',
    'le dossier contient des ouvertures, mais son vivier est ouvert : un vivier ouvert n’a rien à ouvrir'],
  ['the features are open: nothing is sealed', 'les caractéristiques sont publiées : rien n’est scellé'],
  ['the bundle gives {given} openings, but the panel and the alternates are {people} people: it must open exactly them, in order',
    'le dossier donne {given} ouvertures, mais le panel et les suppléants comptent {people} personnes : il doit ouvrir exactement celles-ci, dans l’ordre'],
  ['opening {i} is for ticket {ticket}, but the panel then the alternates put ticket {want} there',
    'l’ouverture {i} est celle du ticket {ticket}, mais le panel puis les suppléants placent le ticket {want} à cette place'],
  ['{n} openings, the panel\'s then the alternates\', each hashing to its record\'s seal',
    '{n} ouvertures, celles du panel puis celles des suppléants, chacune redonnant le sceau de sa fiche'],
  ['you gave the results of {lottery} of {date}, but the recipe commits to no such draw',
    'vous avez saisi les résultats du tirage {lottery} du {date}, mais la recette ne s’engage sur aucun tirage de ce nom à cette date'],
  ['the reveal gives no lottery value for {lottery} of {date}', 'le hasard révélé ne donne aucune valeur de loterie pour le tirage {lottery} du {date}'],
  ['the bundle\'s numbers for {lottery} of {date} are not the published ones: the randomness was not the committed draw\'s',
    'les numéros du dossier pour le tirage {lottery} du {date} ne sont pas ceux qui ont été publiés : le hasard n’est pas celui du tirage engagé'],
  ['a replay: its randomness existed before this manifest was written (see the items to compare by hand)',
    'un rejeu : son hasard existait avant que ce manifeste soit écrit (voir les éléments à comparer à la main)'],
  ['no recipe: nothing was committed in advance (see the items to compare by hand)',
    'pas de recette : rien n’a été engagé à l’avance (voir les éléments à comparer à la main)'],
  ['no source whose time a program knows (hex values, dice): compare the announcement by hand',
    'aucune source dont un programme connaît l’heure (valeurs hexadécimales, dés) : comparez l’annonce à la main'],
  ['committed after the randomness existed: the draw proves nothing ({source} existed at {time}, but the commitment says it was announced at {announced})',
    'engagé après que le hasard existait : le tirage ne prouve rien ({source} existait le {time}, mais l’engagement dit avoir été annoncé le {announced})'],
  ['{source} exists from {time} (UTC), after the announcement at {announced}', '{source} existe à partir du {time}, après l’annonce du {announced}'],
  ['the seed does not follow from the published randomness', 'la graine ne découle pas du hasard publié'],
  ['{selected} selected and {alternates} alternates recomputed', 'tirage recalculé : {selected} personne(s) tirée(s) et {alternates} suppléant(s)'],
  ['{r} panels drawn and rejected before the panel (a quota of a feature that is not counted, or the household rule)',
    '{r} panel(s) tiré(s) puis rejeté(s) avant le panel (un quota d’une caractéristique qui n’est pas comptée, ou la règle des foyers)'],
  ['the {method} method does not enforce quotas; for information:', 'la méthode {method} n’impose pas les quotas ; pour information :'],
  ['every quota holds', 'chaque quota est respecté'],
  ['the panel breaks a quota: {quota}', 'le panel enfreint un quota : {quota}'],
  ['tickets {ticket} and {other} share a household', 'les tickets {ticket} et {other} partagent un foyer'],
  ['the transcript hash does not match the result', 'l’empreinte du résultat (transcript) ne correspond pas au résultat'],
  ['no replacement record was given', 'aucun acte de remplacement n’a été fourni'],
  ['replacement record {i}: {why}', 'acte de remplacement {i} : {why}'],
  ['it was made from another draw (its transcript differs)', 'il a été fait à partir d’un autre tirage (son empreinte du résultat diffère)'],
  ['record {i}: declared dropped, in order: {dropped}; replaced by: {replaced}',
    'acte {i} : déclarés désistés, dans l’ordre : {dropped} ; remplacés par : {replaced}'],
  ['the organiser chooses who is declared dropped: each person named can contest it with their receipt',
    'c’est l’organisateur qui choisit qui est déclaré désisté : chaque personne nommée peut le contester avec son reçu'],
  ['its format is "{format}" of "{spec}"', 'son format est « {format} » de « {spec} »'],
  ['the replacements differ from those the rule of SPEC.md section 10.2 gives',
    'les remplacements diffèrent de ceux que donne la règle de la section 10.2 de SPEC.md'],
  ['the panel after replacement differs from the recomputed one', 'le panel après remplacement diffère de celui qui a été recalculé'],
  ['the list of broken quotas differs from the recomputed one', 'la liste des quotas enfreints diffère de celle qui a été recalculée'],
  ['its openings are not exactly those the rule reads, in the order it reads them (SPEC.md section 10.2)',
    'ses ouvertures ne sont pas exactement celles que lit la règle, dans l’ordre où elle les lit (section 10.2 de SPEC.md)'],
  ['the hash {hash} differs from the recomputed {recomputed}', 'l’empreinte {hash} diffère de celle qui a été recalculée, {recomputed}'],
  ['ticket {ticket} is not in the committed pool', 'le ticket {ticket} n’est pas dans le vivier engagé'],
  ['the draw gives ticket {want} at position {pos} of the panel, but the bundle says {ticket}',
    'le tirage donne le ticket {want} à la place {pos} du panel, mais le dossier indique {ticket}'],
  ['the draw gives ticket {want} at position {pos} of the alternates list, but the bundle says {ticket}',
    'le tirage donne le ticket {want} à la place {pos} de la liste des suppléants, mais le dossier indique {ticket}'],
  ['the draw gives {computed} people on the panel, but the bundle lists only {published}',
    'le tirage donne {computed} personnes dans le panel, mais le dossier n’en liste que {published}'],
  ['the draw gives {computed} people on the alternates list, but the bundle lists only {published}',
    'le tirage donne {computed} personnes sur la liste des suppléants, mais le dossier n’en liste que {published}'],
  ['the bundle lists {published} people on the panel, but the draw gives only {computed}',
    'le dossier liste {published} personnes dans le panel, mais le tirage n’en donne que {computed}'],
  ['the bundle lists {published} people on the alternates list, but the draw gives only {computed}',
    'le dossier liste {published} personnes sur la liste des suppléants, mais le tirage n’en donne que {computed}'],
  ['the draw rejects {want} panels before the panel, but the bundle says {got}',
    'le tirage rejette {want} panel(s) avant le panel, mais le dossier en indique {got}'],
  ['the draw rejects {want} panels before the panel, and the bundle does not say how many',
    'le tirage rejette {want} panel(s) avant le panel, et le dossier n’indique pas combien'],
  ['the bundle says {got} panels were rejected, but the {method} method rejects none',
    'le dossier indique {got} panel(s) rejeté(s), mais la méthode {method} n’en rejette aucun'],

  // ---- verify/report.rs: the steps' titles ----
  ['The bundle uses a protocol version this verifier knows', 'Le dossier utilise une version du protocole connue de ce vérificateur'],
  ['The manifest hashes to the commitment', 'Le manifeste correspond à l’engagement'],
  ['The pool records match the committed pool root', 'Les fiches du vivier correspondent à la racine engagée'],
  ['The previous stage verifies and is the one committed to', 'L’étape précédente est valide et c’est bien celle qui a été engagée'],
  ['Every volunteer was invited by the previous stage, once', 'Chaque volontaire a été invité par l’étape précédente, une seule fois'],
  ['Every panel of the committed portfolio is valid', 'Chaque panel du portefeuille engagé est valide'],
  ['The randomness was revealed as committed', 'Le hasard révélé est celui qui avait été engagé'],
  ['The randomness did not exist when the commitment was announced', 'Le hasard n’existait pas quand l’engagement a été annoncé'],
  ['The seed follows from the commitment and the randomness', 'La graine découle de l’engagement et du hasard'],
  ['The draw gives the published panel and alternates', 'Le tirage donne le panel et les suppléants publiés'],
  ['The sealed values shown for the panel and the alternates are those committed',
    'Les valeurs scellées montrées pour le panel et les suppléants sont celles qui ont été engagées'],
  ['The panel meets every quota and the household rule', 'Le panel respecte chaque quota et la règle des foyers'],
  ['The transcript hash matches the result', 'L’empreinte du résultat (transcript) correspond au résultat'],
  ['Each replacement record follows from the draw', 'Chaque acte de remplacement découle du tirage'],
  ['The volunteers\' values from the roll are those of the people invited',
    'Les valeurs des volontaires issues de la liste électorale sont celles des personnes invitées'],

  // ---- verify/chain_steps.rs: a stage checked against its previous stage ----
  ['this draw names no previous stage', 'ce tirage ne désigne aucune étape précédente'],
  ['the previous stage was not given: the chain is not checked (compare by hand, below)',
    'l’étape précédente n’a pas été fournie : la chaîne n’est pas vérifiée (comparez à la main, plus bas)'],
  ['the previous stage does not verify: it failed at its {step} step ({why})',
    'l’étape précédente ne passe pas la vérification : elle a échoué à sa vérification « {step} » ({why})'],
  ['no detail', 'aucun détail'],
  ['the previous stage\'s manifest cannot be hashed: {why}', 'l’empreinte du manifeste de l’étape précédente ne peut pas être calculée : {why}'],
  ['the previous stage given is not the one this manifest names: its commitment differs',
    'l’étape précédente fournie n’est pas celle que désigne ce manifeste : son engagement diffère'],
  ['the previous stage\'s invitees (its panel then its alternates) are not those this manifest commits to',
    'les personnes invitées par l’étape précédente (son panel puis ses suppléants) ne sont pas celles sur lesquelles ce manifeste s’engage'],
  ['the inherited feature "{feature}" is not a feature of the previous stage',
    'la caractéristique héritée « {feature} » n’est pas une caractéristique de l’étape précédente'],
  ['the previous stage verifies, and its commitment and its {n} invitees are those committed to',
    'l’étape précédente passe la vérification, et son engagement et ses {n} personnes invitées sont ceux qui ont été engagés'],
  ['no feature is inherited: every feature is declared by the volunteers',
    'aucune caractéristique n’est héritée : chaque caractéristique est déclarée par les volontaires'],
  ['inherited from the previous stage: {features}; every other feature is declared by the volunteers',
    'caractéristiques héritées de l’étape précédente : {features} ; toute autre caractéristique est déclarée par les volontaires'],
  ['record {ticket} links to {link}, whom the previous stage did not invite (neither selected nor an alternate): an invented or added volunteer',
    'la fiche {ticket} renvoie à {link}, que l’étape précédente n’a pas invité (ni tiré ni suppléant) : un volontaire inventé ou ajouté'],
  ['{n} records, each with a link of its own', '{n} fiches, chacune avec son propre lien'],
  ['{n} records, each linking to a distinct invitee of the previous stage ({invited} invited)',
    '{n} fiches, chacune renvoyant à une personne invitée différente de l’étape précédente ({invited} personnes invitées)'],
  ['no feature is inherited from the previous stage', 'aucune caractéristique n’est héritée de l’étape précédente'],
  ['record {ticket} says {feature} is {ours}, but the invitee it links to, {link}, has {theirs} in the previous stage: the record does not come from that invitee',
    'la fiche {ticket} indique {feature} = {ours}, mais la personne invitée à laquelle elle renvoie, {link}, a {feature} = {theirs} dans l’étape précédente : la fiche ne vient pas de cette personne'],
  ['{n} record(s) compared on {features}: each has its invitee\'s values',
    '{n} fiche(s) comparée(s) sur {features} : chacune a les valeurs de sa personne invitée'],
  ['the pool is sealed: the records compared are those opened (the panel, the alternates and the replacements); the other {n} are compared if they are ever opened',
    'le vivier est scellé : les fiches comparées sont celles qui ont été ouvertes (le panel, les suppléants et les remplaçants) ; les {n} autres seront comparées si elles sont un jour ouvertes'],

  // ---- published.rs: published facts, and the items to compare by hand ----
  ['published lottery result "{text}": {why}; write LOTTERY@YYYY-MM-DD=MAIN+BONUS, for example euromillions@2026-12-04=7,18,28,40,48+3,9',
    'résultat de loterie publié « {text} » : {why} ; écrivez LOTERIE@AAAA-MM-JJ=PRINCIPAUX+COMPLÉMENTAIRES, par exemple euromillions@2026-12-04=7,18,28,40,48+3,9'],
  ['no \'@\'', 'pas de « @ »'],
  ['no \'=\'', 'pas de « = »'],
  ['a number is not a whole number', 'un numéro n’est pas un nombre entier'],
  ['no numbers', 'aucun numéro'],
  ['a group of numbers is empty', 'un groupe de numéros est vide'],
  ['The commitment was not given to the verifier: compare it, character by character, with the one the organiser published before the draw',
    'L’engagement n’a pas été donné au vérificateur : comparez-le, caractère par caractère, avec celui que l’organisateur a publié avant le tirage'],
  ['the organiser\'s first public record of the commitment (official site, newspaper, public timestamp)',
    'la première publication de l’engagement par l’organisateur (site officiel, journal, horodatage public)'],
  ['This stage was drawn from the invitees of a previous stage, which was not given: nothing checked that its volunteers were invited. Verify it together with the previous stage\'s bundle, whose commitment is this',
    'Cette étape a été tirée parmi les personnes invitées par une étape précédente, qui n’a pas été fournie : rien n’a vérifié que ses volontaires avaient été invités. Vérifiez-la avec le dossier de l’étape précédente, dont l’engagement est celui-ci'],
  ['the previous stage\'s published bundle (verify both: --previous, verify_chain, or the page\'s chain)',
    'le dossier publié de l’étape précédente (vérifiez les deux ensemble : --previous, verify_chain, ou la chaîne de cette page)'],
  ['This manifest says it is a REPLAY of a past draw: it was written after its randomness existed, so it shows how the draw works and proves nothing about who was chosen',
    'Ce manifeste dit être un REJEU d’un tirage passé : il a été écrit après que son hasard existait ; il montre donc comment le tirage fonctionne et ne prouve rien sur les personnes choisies'],
  ['This manifest says it is a REHEARSAL: its panel is not the assembly\'s panel; check that the real draw was announced separately',
    'Ce manifeste dit être une RÉPÉTITION : son panel n’est pas celui de l’assemblée ; vérifiez que le vrai tirage a été annoncé à part'],
  ['the organiser\'s announcement of the draw', 'l’annonce du tirage par l’organisateur'],
  ['the date of the commitment\'s first public record (not the manifest\'s own announced_at, which is only a claim)',
    'la date de la première publication de l’engagement (pas le champ announced_at du manifeste, qui n’est que la déclaration de l’organisateur)'],
  ['No randomness recipe was committed: any randomness verifies, so the organiser could have chosen it. Check that the organiser\'s announcement named exactly this randomness before it existed; otherwise this draw proves nothing',
    'Aucune recette de hasard n’a été engagée : n’importe quel hasard est accepté, et l’organisateur a pu le choisir. Vérifiez que l’annonce de l’organisateur désignait exactement ce hasard avant qu’il n’existe ; sinon ce tirage ne prouve rien'],
  ['no recipe', 'pas de recette'],
  ['The commitment must have been public before the randomness existed: check that its first public record is dated before this time',
    'L’engagement devait être public avant que le hasard n’existe : vérifiez que sa première publication est datée d’avant cette heure'],
  ['{time} (UTC)', '{time}'],
  ['The recipe names no source whose time a program knows: check that the commitment\'s first public record is dated before the randomness was produced',
    'Aucune source de la recette n’a d’heure connue d’un programme : vérifiez que la première publication de l’engagement est datée d’avant la production du hasard'],
  ['before the randomness', 'avant la production du hasard'],
  ['Dice: compare the values, in order, with the record of the public throw', 'Dés : comparez les valeurs, dans l’ordre, avec le procès-verbal du lancer public'],
  ['the record of the throw witnessed by {witnesses}', 'le procès-verbal du lancer fait devant {witnesses}'],
  ['the record of the public throw', 'le procès-verbal du lancer public'],
  ['A hex value is not public randomness: whoever knew it before the commitment could choose the panel. Check who provided it and when',
    'Une valeur hexadécimale n’est pas un hasard public : qui la connaissait avant l’engagement pouvait choisir le panel. Vérifiez qui l’a fournie et quand'],
  ['whoever provided the value', 'la personne qui a fourni la valeur'],
  ['{name} of {date}: compare the numbers, main numbers and bonus numbers apart, with the operator\'s official result',
    '{name}, tirage du {date} : comparez les numéros, principaux et complémentaires à part, avec le résultat officiel de l’opérateur'],
  ['{name} of {date}: compare the numbers, main numbers and bonus numbers apart, with the operator\'s official result (they match the numbers you gave: check that you copied those from the operator\'s own page)',
    '{name}, tirage du {date} : comparez les numéros, principaux et complémentaires à part, avec le résultat officiel de l’opérateur (ils correspondent aux numéros que vous avez saisis : vérifiez que vous les avez recopiés depuis la page de l’opérateur lui-même)'],
  ['the lottery operator\'s published results', 'les résultats publiés par l’opérateur de la loterie'],

  // ---- error.rs: the `Display` of each error (a failed step's `error`) ----
  ['unsupported protocol version "{found}": this verifier knows {known} (kleroterion/v1 was a draft, never used for a real draw; commit again with this version)',
    'version du protocole inconnue « {found} » : ce vérificateur connaît {known} (kleroterion/v1 était un brouillon, jamais utilisé pour un vrai tirage ; engagez-vous de nouveau avec cette version)'],
  // InvalidText (`{field}: {reason}`), Json (`{what}: {detail}`) and InvalidArgument
  // (`{field}: {detail}`) share this form: the field or document is a label below.
  ['{field}: {detail}', '{field} : {detail}'],
  ['panel size {k} is impossible with a pool of {n}: choose a size from 1 to {n}',
    'une taille de panel de {k} est impossible avec un vivier de {n} : choisissez une taille de 1 à {n}'],
  ['the pool is empty: it needs at least one record', 'le vivier est vide : il lui faut au moins une fiche'],
  ['{field}: the name "{name}" appears twice; names must be unique', '{field} : le nom « {name} » figure deux fois ; les noms doivent être uniques'],
  ['feature "{feature}" declares no value: give it at least one', 'la caractéristique « {feature} » ne déclare aucune valeur : donnez-lui-en au moins une'],
  ['quota {feature}={value}: min {min} is above max {max}; lower the min or raise the max',
    'quota {feature}={value} : le minimum {min} dépasse le maximum {max} ; abaissez le minimum ou relevez le maximum'],
  ['feature "{feature}": the minimums add up to {sum}, more than the panel size {k}; lower some minimums',
    'caractéristique « {feature} » : la somme des minimums vaut {sum}, plus que la taille du panel, {k} ; abaissez certains minimums'],
  ['feature "{feature}": the maximums add up to {sum}, less than the panel size {k}; raise some maximums',
    'caractéristique « {feature} » : la somme des maximums vaut {sum}, moins que la taille du panel, {k} ; relevez certains maximums'],
  ['the household rule cannot be applied by the {method} method: use greedy or lottery, or turn the rule off',
    'la règle des foyers ne peut pas être appliquée par la méthode {method} : utilisez la méthode gloutonne (greedy) ou la loterie (lottery), ou désactivez la règle'],
  ['announced_at "{found}" is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ',
    'announced_at « {found} » n’est pas une heure UTC de la forme AAAA-MM-JJTHH:MM:SSZ'],
  ['announced_at is missing: the recipe commits to a drand round or a lottery draw, so the manifest must say when the commitment is published (YYYY-MM-DDTHH:MM:SSZ), or nobody can check that the randomness did not exist yet',
    'announced_at manque : la recette s’engage sur un tour drand ou un tirage de loterie, donc le manifeste doit dire quand l’engagement est publié (AAAA-MM-JJTHH:MM:SSZ), sinon personne ne peut vérifier que le hasard n’existait pas encore'],
  ['the pool records do not match the committed pool: {detail}', 'les fiches du vivier ne correspondent pas au vivier engagé : {detail}'],
  ['{published} records published, {committed} committed', '{published} fiches publiées, {committed} engagées'],
  ['the records hash to {root}, the manifest commits to {committed_root}', 'l’empreinte des fiches est {root}, le manifeste s’engage sur {committed_root}'],
  ['ticket "{ticket}" appears twice; tickets must be unique', 'le ticket « {ticket} » figure deux fois ; les tickets doivent être uniques'],
  ['ticket "{ticket}" gives {found} values but there are {expected} features; give one value per feature',
    'le ticket « {ticket} » donne {found} valeur(s) alors qu’il y a {expected} caractéristique(s) ; donnez une valeur par caractéristique'],
  ['ticket "{ticket}": value "{value}" is not declared for feature "{feature}"; declare it or correct the record',
    'ticket « {ticket} » : la valeur « {value} » n’est pas déclarée pour la caractéristique « {feature} » ; déclarez-la ou corrigez la fiche'],
  ['household tag: {detail}', 'marque de foyer : {detail}'],
  ['ticket "{ticket}" has a household tag, but the manifest\'s household rule is off; drop the tags, which would only say who lives with whom, or turn the rule on',
    'le ticket « {ticket} » porte une marque de foyer, mais la règle des foyers du manifeste est désactivée ; retirez les marques, qui ne diraient que qui vit avec qui, ou activez la règle'],
  ['ticket "{ticket}" is the only record with its household tag; a tag says only that records live together, so a person alone in their household in this pool has none',
    'le ticket « {ticket} » est la seule fiche à porter sa marque de foyer ; une marque dit seulement que des fiches vivent ensemble, donc une personne seule de son foyer dans ce vivier n’en a pas'],
  // SealedRecord, and the InvalidText fields of a record.
  ['ticket "{ticket}": {detail}', 'ticket « {ticket} » : {detail}'],
  ['the manifest seals the features, but this record publishes its values and no seal; commit the pool again with sealed records',
    'le manifeste scelle les caractéristiques, mais cette fiche publie ses valeurs et aucun sceau ; engagez de nouveau le vivier avec des fiches scellées'],
  ['this record is sealed, but the manifest does not seal the features; a sealed pool needs `sealed: true` in the manifest (lottery method only)',
    'cette fiche est scellée, mais le manifeste ne scelle pas les caractéristiques ; un vivier scellé demande `sealed: true` dans le manifeste (méthode loterie seulement)'],
  ['a sealed record publishes its seal and no values; drop the values, which the seal hides',
    'une fiche scellée publie son sceau et aucune valeur ; retirez les valeurs, que le sceau cache'],
  ['opening: {detail}', 'ouverture : {detail}'],
  ['an opening of ticket "{ticket}" was given for ticket "{other}"', 'une ouverture du ticket « {ticket} » a été donnée pour le ticket « {other} »'],
  ['ticket "{ticket}" is an open record: it has no seal to open', 'le ticket « {ticket} » est une fiche ouverte : elle n’a pas de sceau à ouvrir'],
  ['the opening of ticket "{ticket}" does not hash to its record\'s seal: its values or its salt are not those committed',
    'l’ouverture du ticket « {ticket} » ne redonne pas le sceau de sa fiche : ses valeurs ou son sel ne sont pas ceux qui ont été engagés'],
  ['ticket "{ticket}" is sealed, the replacement rule reads its values, and no opening of it was given',
    'le ticket « {ticket} » est scellé, la règle de remplacement lit ses valeurs, et aucune ouverture n’en a été donnée'],
  ['the manifest does not seal the features: there is nothing to open', 'le manifeste ne scelle pas les caractéristiques : il n’y a rien à ouvrir'],
  ['{given} openings given for {records} records; give one per record, in pool order',
    '{given} ouvertures données pour {records} fiches ; donnez-en une par fiche, dans l’ordre du vivier'],
  ['the features are sealed, and the openings were not given: give every record\'s opening (the organiser\'s private openings file)',
    'les caractéristiques sont scellées, et les ouvertures n’ont pas été données : donnez l’ouverture de chaque fiche (le fichier privé des ouvertures de l’organisateur)'],
  ['record "{ticket}": {detail}', 'fiche « {ticket} » : {detail}'],
  ['the stage names a previous stage, and this record has no link to the invitee it comes from. Fix: give every volunteer\'s previous-stage ticket',
    'l’étape désigne une étape précédente, et cette fiche n’a pas de lien vers la personne invitée dont elle vient. Correction : donnez pour chaque volontaire son ticket de l’étape précédente'],
  ['the record has a link, but the manifest names no previous stage. Fix: commit with the previous stage, or drop the links',
    'la fiche a un lien, mais le manifeste ne désigne aucune étape précédente. Correction : engagez-vous avec l’étape précédente, ou retirez les liens'],
  ['record "{ticket}" links to invitee "{link}", as an earlier record does: each invitee answers once. Fix: remove the duplicate answer',
    'la fiche « {ticket} » renvoie à la personne invitée « {link} », comme une fiche précédente : chaque personne invitée ne répond qu’une fois. Correction : retirez la réponse en double'],
  ['the pool has a cell of {smallest} record(s) (ticket "{ticket}" is in it; {alone} record(s) are alone in their cell), below the disclosure floor of {floor}: such a record can be recognised by anyone who knows the person\'s values. Publish only the value a quota refers to, never a finer one, merge rare values, or lower the floor explicitly (the override is recorded in the manifest)',
    'le vivier a un groupe de {smallest} fiche(s) aux valeurs identiques (le ticket « {ticket} » en fait partie ; {alone} fiche(s) sont seules dans leur groupe), sous le seuil de divulgation de {floor} : une telle fiche peut être reconnue par quiconque connaît les valeurs de la personne. Publiez seulement la valeur à laquelle un quota se rapporte, jamais une plus fine, regroupez les valeurs rares, ou abaissez explicitement le seuil (cette dérogation est inscrite dans le manifeste)'],
  ['this receipt does not match this draw: {detail}', 'ce reçu ne correspond pas à ce tirage : {detail}'],
  ['ticket "{ticket}" is not in the committed pool', 'le ticket « {ticket} » n’est pas dans le vivier engagé'],
  ['randomness recipe: {detail}', 'recette du hasard : {detail}'],
  ['reveal: {detail}', 'hasard révélé : {detail}'],
  ['the reveal does not match the committed recipe: {detail}', 'le hasard révélé ne correspond pas à la recette engagée : {detail}'],
  ['drand: {detail}', 'drand : {detail}'],
  ['stratified allocation: {detail}', 'répartition stratifiée : {detail}'],
  ['{given} counts given for {values} values of "{feature}"; give one count per value',
    '{given} effectifs donnés pour {values} valeurs de « {feature} » ; donnez un effectif par valeur'],
  ['the counts add up to {sum}, not the panel size {k}', 'la somme des effectifs vaut {sum}, et non la taille du panel, {k}'],
  ['stratum "{stratum}" is allocated {asked} seats but has only {available} people; lower its count',
    'la strate « {stratum} » reçoit {asked} sièges mais ne compte que {available} personnes ; abaissez son effectif'],
  ['{field} names feature "{feature}", which the manifest does not declare', '{field} désigne la caractéristique « {feature} », que le manifeste ne déclare pas'],
  ['method: {detail}', 'méthode : {detail}'],
  ['sealed features are defined for the lottery method only, not for {method} (SPEC.md section 4.1); stratified and greedy read every record\'s values to draw. Seal a lottery, or publish the values under the disclosure floor',
    'les caractéristiques scellées ne sont définies que pour la méthode loterie, pas pour la méthode {method} (section 4.1 de SPEC.md) ; les méthodes stratifiée et gloutonne lisent les valeurs de chaque fiche pour tirer. Scellez une loterie, ou publiez les valeurs en respectant le seuil de divulgation'],
  ['greedy max_attempts is {n}; use 1 to 1000', 'max_attempts de la méthode gloutonne vaut {n} ; utilisez une valeur de 1 à 1000'],
  ['the maxent method counts the feature "{feature}" twice; name it once',
    'la méthode à entropie maximale compte deux fois la caractéristique « {feature} » ; nommez-la une seule fois'],
  ['maxent max_attempts is {n}; use 1 to 100,000', 'max_attempts de la méthode à entropie maximale vaut {n} ; utilisez une valeur de 1 à 100 000'],
  ['the maxent method gives {given} weights for {n} records; give one per record, in pool order, or none',
    'la méthode à entropie maximale donne {given} poids pour {n} fiches ; donnez-en un par fiche, dans l’ordre du vivier, ou aucun'],
  ['the maxent weight of record {i} is 0; every weight is at least 1',
    'le poids de la fiche {i} pour la méthode à entropie maximale vaut 0 ; chaque poids vaut au moins 1'],
  ['the maxent count over {types} types has more than {max} cells, the most a verifier\'s browser is asked to redo (SPEC.md section 9.6); count fewer or coarser features, whose quotas are still met by rejection',
    'le décompte de la méthode à entropie maximale sur {types} types a plus de {max} cellules, le plus qu’on demande au navigateur d’un vérificateur de refaire (section 9.6 de SPEC.md) ; comptez moins de caractéristiques, ou des caractéristiques moins fines, dont les quotas restent respectés par rejet'],
  ['the maxent count\'s weights need {terms} terms, more than {max}, the most a verifier\'s browser is asked to compute (SPEC.md section 9.6); draw from a smaller pool, or count more features',
    'les poids du décompte de la méthode à entropie maximale demandent {terms} termes, plus que {max}, le plus qu’on demande au navigateur d’un vérificateur de calculer (section 9.6 de SPEC.md) ; tirez dans un vivier plus petit, ou comptez plus de caractéristiques'],
  ['the portfolio has {n} panels; use 1 to 100,000', 'le portefeuille a {n} panels ; il en faut de 1 à 100 000'],
  ['rfc3797 can make at most 65,536 picks; panel and alternates ask for {n}', 'rfc3797 peut faire au plus 65 536 tirages ; le panel et les suppléants en demandent {n}'],
  ['panel {i} of the portfolio: {detail}', 'panel {i} du portefeuille : {detail}'],
  ['{n} people, but the panel size is {k}', '{n} personnes, alors que la taille du panel est {k}'],
  ['person {p} does not exist in a pool of {n}', 'la personne {p} n’existe pas dans un vivier de {n}'],
  ['its indices are not strictly increasing', 'ses indices ne sont pas strictement croissants'],
  ['breaks the quota {quota}', 'enfreint le quota {quota}'],
  ['people {p} and {q} share a household', 'les personnes {p} et {q} partagent un foyer'],
  ['the draw failed: {detail}', 'le tirage a échoué : {detail}'],
  ['the greedy method found no panel meeting every quota in {n} attempts', 'la méthode gloutonne n’a trouvé aucun panel respectant chaque quota en {n} essai(s)'],
  ['no panel of {k} meets the quotas of the counted features in this pool',
    'aucun panel de {k} personnes ne respecte les quotas des caractéristiques comptées dans ce vivier'],
  ['each of the {n} attempts of the maxent method drew a panel that breaks a quota or the household rule',
    'chacun des {n} essai(s) de la méthode à entropie maximale a tiré un panel qui enfreint un quota ou la règle des foyers'],
  ['the bundle does not verify, so nothing can be replaced: {why}', 'le dossier ne passe pas la vérification, donc rien ne peut être remplacé : {why}'],
  ['random tickets clashed 8 times: the source of random codes is broken', 'des tickets aléatoires sont entrés en collision 8 fois : la source de codes aléatoires est défaillante'],
  ['ticket key refused: {reason}. Fix: leave the key out and one of 256 bits is generated, or give 32 random bytes in hex (for example from `openssl rand -hex 32`)',
    'clé des tickets refusée : {reason}. Correction : omettez la clé et une clé de 256 bits est générée, ou donnez 32 octets aléatoires en hexadécimal (par exemple avec `openssl rand -hex 32`)'],
  ['it holds {n} bytes, fewer than the {min} (128 bits) a key needs', 'elle fait {n} octets, moins que les {min} (128 bits) qu’il faut à une clé'],
  ['it is empty', 'elle est vide'],
  ['it is neither hexadecimal nor base64, so it looks like a passphrase, and a passphrase can be guessed',
    'elle n’est ni hexadécimale ni en base64 : elle ressemble donc à une phrase de passe, et une phrase de passe peut se deviner'],
  ['person "{id}": {reason}', 'personne « {id} » : {reason}'],
  ['{n} values given for {m} features ({features}); give one value per feature, in that order',
    '{n} valeurs données pour {m} caractéristiques ({features}) ; donnez une valeur par caractéristique, dans cet ordre'],
  ['the value "{value}" of "{feature}" is not declared in the quotas; declare it in the quotas or correct the person',
    'la valeur « {value} » de « {feature} » n’est pas déclarée dans les quotas ; déclarez-la dans les quotas ou corrigez la personne'],
  ['"{ticket}" and "{other}" were given the same ticket. Fix: use another ticket key',
    '« {ticket} » et « {other} » ont reçu le même ticket. Correction : utilisez une autre clé des tickets'],
  ['{field}: not valid hexadecimal of the expected length', '{field} : pas un nombre hexadécimal valide de la longueur attendue'],
  ['{field}: more than 4,294,967,295 entries', '{field} : plus de 4 294 967 295 éléments'],
  ['count: {asked} picks asked for, but RFC 3797 numbers its picks with 2 bytes and so defines at most 65,536; ask for 65,536 or fewer',
    'nombre : {asked} tirages demandés, mais RFC 3797 numérote ses tirages sur 2 octets et n’en définit donc que 65 536 au plus ; demandez-en 65 536 ou moins'],

  // ---- receipt.rs, chain.rs: receipts, and a person's path along a chain ----
  ['the secret given for ticket "{ticket}" does not open its record\'s holder', 'le secret donné pour le ticket « {ticket} » n’ouvre pas le titulaire de sa fiche'],
  ['the opening given for ticket "{ticket}" does not open its sealed record', 'l’ouverture donnée pour le ticket « {ticket} » n’ouvre pas sa fiche scellée'],
  ['the receipt belongs to another commitment', 'le reçu appartient à un autre engagement'],
  ['the receipt\'s pool root or size differs from the draw\'s', 'la racine ou la taille du vivier du reçu diffère de celle du tirage'],
  ['the receipt\'s inclusion proof does not lead to the committed root', 'la preuve d’inclusion du reçu ne mène pas à la racine engagée'],
  ['the published pool holds a different record at the receipt\'s index', 'le vivier publié contient une autre fiche à la place du reçu'],
  ['the receipt\'s secret does not open its record\'s holder: this receipt was not issued to the record\'s holder (a receipt rebuilt from the public pool has no valid secret)',
    'le secret du reçu n’ouvre pas le titulaire de sa fiche : ce reçu n’a pas été remis au titulaire de la fiche (un reçu refait à partir du vivier public n’a pas de secret valide)'],
  ['the receipt carries an opening, but its record is open: this receipt does not match this draw',
    'le reçu contient une ouverture, mais sa fiche est ouverte : ce reçu ne correspond pas à ce tirage'],
  ['the record is sealed and the receipt carries no opening of it: ask the organiser for the complete receipt',
    'la fiche est scellée et le reçu n’en contient aucune ouverture : demandez le reçu complet à l’organisateur'],
  ['the receipt\'s opening does not open its sealed record ({why}): this receipt does not match this draw',
    'l’ouverture du reçu n’ouvre pas sa fiche scellée ({why}) : ce reçu ne correspond pas à ce tirage'],
  ['this stage\'s receipt has no link: its record does not come from the previous stage',
    'le reçu de cette étape n’a pas de lien : sa fiche ne vient pas de l’étape précédente'],
  ['this stage\'s record links to someone the previous stage did not invite',
    'la fiche de cette étape renvoie à une personne que l’étape précédente n’a pas invitée'],
  ['the two receipts are not one person\'s: this stage\'s record links to another ticket than the previous receipt\'s',
    'les deux reçus ne sont pas ceux d’une même personne : la fiche de cette étape renvoie à un autre ticket que celui du reçu de l’étape précédente'],
  ['give the previous stage\'s receipt, this stage\'s, or both', 'donnez le reçu de l’étape précédente, celui de cette étape, ou les deux'],

  // ---- reveal.rs, drand_answer.rs, beacon.rs: the revealed randomness ----
  ['source {i}: {detail}', 'source {i} : {detail}'],
  ['{n} bytes; a hex value has 1 to 1024', '{n} octets ; une valeur hexadécimale en a de 1 à 1024'],
  ['{main} main numbers and {bonus} bonus groups; a lottery has 1 to 64 main numbers and at most 8 bonus groups',
    '{main} numéros principaux et {bonus} groupes complémentaires ; une loterie a de 1 à 64 numéros principaux et au plus 8 groupes complémentaires'],
  ['a bonus group of {n} numbers; give 1 to 64', 'un groupe complémentaire de {n} numéros ; donnez-en de 1 à 64'],
  ['{n} dice values; give 1 to 1000', '{n} valeurs de dés ; donnez-en de 1 à 1000'],
  ['drand rounds start at 1', 'les tours drand commencent à 1'],
  ['the drand randomness {randomness} is not SHA-256 of the signature ({hash}); copy the beacon again from drand',
    'le hasard drand {randomness} n’est pas le SHA-256 de la signature ({hash}) ; recopiez la balise depuis drand'],
  ['{n} sources; a reveal has 1 to 16', '{n} sources ; un hasard révélé en a de 1 à 16'],
  ['the recipe has {recipe} sources but the reveal gives {reveal}', 'la recette a {recipe} sources mais le hasard révélé en donne {reveal}'],
  ['source {i}: drand round {round}, produced at {time}: signature verified, randomness {randomness}',
    'source {i} : tour drand {round}, produit le {time} : signature vérifiée, hasard {randomness}'],
  ['source {i}: drand round {round}: signature verified, randomness {randomness}', 'source {i} : tour drand {round} : signature vérifiée, hasard {randomness}'],
  ['source {i}: hex value "{label}" ({n} bytes), not public randomness', 'source {i} : valeur hexadécimale « {label} » ({n} octets), pas un hasard public'],
  ['the reveal names lottery "{lottery}", but the recipe committed to "{committed_lottery}"',
    'le hasard révélé désigne la loterie « {lottery} », mais la recette s’est engagée sur « {committed_lottery} »'],
  ['the recipe gives no format for lottery "{lottery}"', 'la recette ne donne pas de format pour la loterie « {lottery} »'],
  ['source {i}: {source}: {numbers}', 'source {i} : {source} : {numbers}'],
  ['the reveal is for drand chain {chain}, but the recipe committed to {committed_chain}',
    'le hasard révélé est pour la chaîne drand {chain}, mais la recette s’est engagée sur {committed_chain}'],
  ['the reveal gives drand round {round}, but the recipe committed to round {committed_round}',
    'le hasard révélé donne le tour drand {round}, mais la recette s’est engagée sur le tour {committed_round}'],
  ['{n} dice values given, {count} committed', '{n} valeurs de dés données, {count} engagées'],
  ['die value {v} is not between 1 and {faces}', 'la valeur de dé {v} n’est pas entre 1 et {faces}'],
  ['source {i}: {count} dice of {faces} faces', 'source {i} : {count} dés à {faces} faces'],
  ['the recipe committed to a {kind} source, the reveal gives {got_kind}', 'la recette s’est engagée sur une source {kind}, le hasard révélé donne une source {got_kind}'],
  ['not drand\'s answer for a round ({why}); expected {"round": …, "signature": "…"} as drand\'s HTTP API returns it',
    'ce n’est pas la réponse de drand pour un tour ({why}) ; attendu : {"round": …, "signature": "…"}, tel que le renvoie l’API HTTP de drand'],
  ['the recipe commits to no drand round {round}; give the chain hash with the answer',
    'la recette ne s’engage sur aucun tour drand {round} ; donnez l’empreinte de la chaîne avec la réponse'],
  ['round {round} of chain {chain} cannot be checked: this build has no drand support (enable the `drand` feature)',
    'le tour {round} de la chaîne {chain} ne peut pas être contrôlé : cette version ne prend pas drand en charge (activez la fonctionnalité `drand`)'],
  ['chain {chain} is not a drand network this verifier knows (quicknet, mainnet)',
    'la chaîne {chain} n’est pas un réseau drand connu de ce vérificateur (quicknet, mainnet)'],
  ['"{chain}" is not a drand network this library knows; use quicknet or mainnet, or the chain hash of one of them',
    '« {chain} » n’est pas un réseau drand connu de cette bibliothèque ; utilisez quicknet ou mainnet, ou l’empreinte de chaîne de l’un d’eux'],
  ['"{after}" is not a UTC time; write it as YYYY-MM-DDTHH:MM:SSZ (e.g. 2026-12-01T12:00:00Z; 2026-12-01 12:00 also works), from 1970 to 9999',
    '« {after} » n’est pas une heure UTC ; écrivez-la sous la forme AAAA-MM-JJTHH:MM:SSZ (par exemple 2026-12-01T12:00:00Z ; 2026-12-01 12:00 convient aussi), de 1970 à 9999'],

  // ---- kleroterion-drand: a drand beacon that does not verify ----
  ['the drand beacon is not in the JSON form that drand\'s HTTP API returns for /public/<round>: {why}',
    'la balise drand n’est pas sous la forme JSON que renvoie l’API HTTP de drand pour /public/<round> : {why}'],
  ['the {drand_field} of the drand beacon is not a hexadecimal string', '{drand_field} de la balise drand n’est pas une chaîne hexadécimale'],
  ['the {drand_field} of the drand beacon is {found} bytes long, but this drand chain uses {expected} bytes',
    '{drand_field} de la balise drand fait {found} octets, mais cette chaîne drand en utilise {expected}'],
  ['the {drand_field} is not a valid point of the BLS12-381 curve, so it cannot be a drand signature or key',
    '{drand_field} n’est pas un point valide de la courbe BLS12-381 : ce ne peut donc pas être une signature ni une clé drand'],
  ['drand rounds start at 1: round 0 does not exist', 'les tours drand commencent à 1 : le tour 0 n’existe pas'],
  ['the drand beacon is for round {round}, but the lottery committed in advance to round {committed_round}',
    'la balise drand est celle du tour {round}, mais le tirage s’est engagé à l’avance sur le tour {committed_round}'],
  ['the drand beacon for round {round} has no previous_signature, which the chained {chain} network needs in order to check it',
    'la balise drand du tour {round} n’a pas de previous_signature, dont le réseau chaîné {chain} a besoin pour la contrôler'],
  ['the drand beacon for round {round} carries a previous_signature, but {chain} is an unchained network: the beacon probably comes from another drand chain',
    'la balise drand du tour {round} porte une previous_signature, mais {chain} est un réseau non chaîné : la balise vient probablement d’une autre chaîne drand'],
  ['the randomness published with drand round {round} is not the SHA-256 hash of its signature',
    'le hasard publié avec le tour drand {round} n’est pas l’empreinte SHA-256 de sa signature'],
  ['the drand signature for round {round} does not verify against the {chain} public key',
    'la signature drand du tour {round} n’est pas valide pour la clé publique de {chain}'],
  ['no known drand chain has the chain hash {hash}', 'aucune chaîne drand connue n’a l’empreinte de chaîne {hash}'],
  ['the description of the drand chain {chain} is inconsistent: its chain hash does not match its public key, genesis time, period and genesis seed',
    'la description de la chaîne drand {chain} est incohérente : son empreinte de chaîne ne correspond pas à sa clé publique, à son heure de genèse, à sa période et à sa graine de genèse'],

  // ---- recipe.rs: the committed sources, described, and a recipe's faults ----
  ['hex value "{label}" (not public randomness)', 'la valeur hexadécimale « {label} » (pas un hasard public)'],
  ['{name} draw of {date}', 'le tirage {name} du {date}'],
  ['lottery "{lottery}" of {date}', 'la loterie « {lottery} » du {date}'],
  ['drand round {round} of chain {chain}', 'le tour drand {round} de la chaîne {chain}'],
  ['{count} dice of {faces} faces, witnessed by {witnesses}', '{count} dés à {faces} faces, lancés devant {witnesses}'],
  ['drand chain {chain} is not a network this verifier knows (quicknet, mainnet)',
    'la chaîne drand {chain} n’est pas un réseau connu de ce vérificateur (quicknet, mainnet)'],
  ['drand round {round} would be produced after 9999-12-31T23:59:59Z: it can never be revealed',
    'le tour drand {round} serait produit après le 9999-12-31T23:59:59Z : il ne pourra jamais être révélé'],
  ['recipe source {i}: {detail}', 'source {i} de la recette : {detail}'],
  ['dice need 1 to 1000 dice of 2 to 1000 faces', 'il faut de 1 à 1000 dés de 2 à 1000 faces'],
  ['the fallback rule "{fallback}" is not one the protocol knows: write "next_value" (the first value of the same source published after the committed one); free-text rules such as "the latest value" are refused because they let the organiser choose when to look (SPEC.md section 6.1)',
    'la règle de repli « {fallback} » n’est pas connue du protocole : écrivez « next_value » (la première valeur de la même source publiée après celle qui a été engagée) ; les règles en texte libre comme « the latest value » sont refusées, car elles laissent l’organisateur choisir quand regarder (section 6.1 de SPEC.md)'],
  ['"{lottery}" is the registry\'s {name}: its format and draw time are fixed by the registry, so give neither "format" nor "draw_at"',
    '« {lottery} » est la loterie {name} du registre : son format et son heure de tirage sont fixés par le registre, donc ne donnez ni « format » ni « draw_at »'],
  ['a declared lottery cannot be named "{lottery}", the name of the registry\'s {name} (id "{id}"): name the registry lottery by its id without a format, or give the declared one another name',
    'une loterie déclarée ne peut pas s’appeler « {lottery} », le nom de la loterie {name} du registre (identifiant « {id} ») : désignez la loterie du registre par son identifiant, sans format, ou donnez un autre nom à la loterie déclarée'],
  ['the date "{date}" is not a date of the form YYYY-MM-DD', 'la date « {date} » n’est pas une date de la forme AAAA-MM-JJ'],
  ['draw_at "{found}" is not a time of the form YYYY-MM-DDTHH:MM:SSZ', 'draw_at « {found} » n’est pas une heure de la forme AAAA-MM-JJTHH:MM:SSZ'],
  ['"{lottery}" is not in the lottery registry ({ids}): name a registered lottery, or declare both its "format" and its "draw_at" time',
    '« {lottery} » n’est pas dans le registre des loteries ({ids}) : désignez une loterie du registre, ou déclarez à la fois son « format » et son heure « draw_at »'],
  ['{n} sources; a recipe has 1 to 16', '{n} sources ; une recette en a de 1 à 16'],

  // ---- public_lottery.rs: a lottery's dates and numbers ----
  ['the draw date "{date}" is not a calendar date of the form YYYY-MM-DD between 1970 and 9999',
    'la date de tirage « {date} » n’est pas une date du calendrier de la forme AAAA-MM-JJ entre 1970 et 9999'],
  ['{name} has drawn under its current format and schedule only since {since}, so the date {date} is refused',
    '{name} ne tire selon son format et son calendrier actuels que depuis le {since} : la date du {date} est donc refusée'],
  ['{date} is a {weekday}, but {name} draws only on {days}', 'le {date} est un {weekday}, mais {name} ne tire que {days}'],
  ['the group "{group}" holds {got} numbers, but this lottery draws exactly {expected}',
    'le groupe « {group} » contient {got} numéros, mais cette loterie en tire exactement {expected}'],
  ['the number {number} of the group "{group}" is outside that group\'s range of {min} to {max}',
    'le numéro {number} du groupe « {group} » est hors de la plage de ce groupe, de {min} à {max}'],
  ['the number {number} appears twice in the group "{group}", whose numbers are all different',
    'le numéro {number} figure deux fois dans le groupe « {group} », dont les numéros sont tous différents'],
  ['the number {number} of the group "{group}" is also a main number, which is impossible because "{group}" is drawn from the main numbers\' drum after them',
    'le numéro {number} du groupe « {group} » est aussi un numéro principal, ce qui est impossible car « {group} » est tiré dans l’urne des numéros principaux, après eux'],
  ['the result gives {got} bonus groups, but this lottery draws exactly {expected}',
    'le résultat donne {got} groupes complémentaires, mais cette loterie en tire exactement {expected}'],
  ['the lottery format is impossible: {detail}', 'le format de la loterie est impossible : {detail}'],
  ['the group "{group}" {rule}', 'le groupe « {group} » {rule}'],
  ['has a name that {reason}', 'a un nom qui {reason}'],
  ['has an invalid name ({why})', 'a un nom invalide ({why})'],
  ['draws {n} numbers; a group draws 1 to {max}', 'tire {n} numéros ; un groupe en tire de 1 à {max}'],
  ['has min {min} above max {max}', 'a un minimum {min} supérieur à son maximum {max}'],
  ['draws {count} different numbers from {min} to {max}, which holds only {size}',
    'tire {count} numéros différents de {min} à {max}, une plage qui n’en contient que {size}'],
  ['is the main group, so it cannot be marked as drawn from the main drum',
    'est le groupe principal : il ne peut donc pas être marqué comme tiré dans l’urne des numéros principaux'],
  ['is drawn from the main drum, so its range must be the main range {min} to {max}, not {gmin} to {gmax}',
    'est tiré dans l’urne des numéros principaux : sa plage doit donc être la plage principale, de {min} à {max}, et non de {gmin} à {gmax}'],
  ['draws {n} more numbers from the main drum after {main} main numbers, but the drum holds only {size}',
    'tire {n} numéros de plus dans l’urne des numéros principaux après {main} numéros principaux, mais l’urne n’en contient que {size}'],
  ['{n} bonus groups are declared; a lottery has at most {max}', '{n} groupes complémentaires sont déclarés ; une loterie en a au plus {max}'],

  // ---- methods/rfc3797.rs ----
  ['no random source; give the numbers drawn, one source each, e.g. "2 5 12 8 10"',
    'aucune source de hasard ; donnez les numéros tirés, une source chacun, par exemple « 2 5 12 8 10 »'],
  ['source {i} ("{text}"): "{number_text}" is not a non-negative number; give the numbers drawn, e.g. "2 5 12 8 10"',
    'source {i} (« {text} ») : « {number_text} » n’est pas un nombre positif ou nul ; donnez les numéros tirés, par exemple « 2 5 12 8 10 »'],
  ['source {i} ("{text}") holds no number; give the numbers drawn, e.g. "2 5 12 8 10"',
    'source {i} (« {text} ») ne contient aucun numéro ; donnez les numéros tirés, par exemple « 2 5 12 8 10 »'],
  ['"{number_text}" is not a non-negative decimal number (digits, optionally a point and digits)',
    '« {number_text} » n’est pas un nombre décimal positif ou nul (des chiffres, éventuellement suivis d’un point et de chiffres)'],

  // ---- quotas.rs: a quota a panel breaks ----
  ['{feature}={value}: {n} on the panel, below the minimum {min}', '{feature}={value} : {n} dans le panel, sous le minimum {min}'],
  ['{feature}={value}: {n} on the panel, above the maximum {max}', '{feature}={value} : {n} dans le panel, au-dessus du maximum {max}'],

  // ---- text.rs: why a text is refused (SPEC.md section 3) ----
  ['"{input}" is not a text kind; use ticket, name or free', '« {input} » n’est pas un type de texte ; utilisez ticket, name ou free'],
  ['is empty; give a non-empty text', 'est vide ; donnez un texte non vide'],
  ['is too long for the protocol\'s limits (section 3 of SPEC.md)', 'est trop long pour les limites du protocole (section 3 de SPEC.md)'],
  ['contains a control character (tab, newline, escape, C1 control...); remove it',
    'contient un caractère de contrôle (tabulation, saut de ligne, échappement, contrôle C1…) ; retirez-le'],
  ['contains a bidirectional formatting character (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), which can make text display in another order than it is stored; remove it',
    'contient un caractère de mise en forme bidirectionnelle (U+061C, U+200E, U+200F, U+202A à U+202E, U+2066 à U+2069), qui peut faire afficher le texte dans un autre ordre que celui où il est enregistré ; retirez-le'],
  ['contains a code point that is unassigned in Unicode 14.0.0 (or a noncharacter); the protocol accepts only characters assigned in Unicode 14.0.0 so that every verifier gives the same verdict',
    'contient un point de code non attribué dans Unicode 14.0.0 (ou un non-caractère) ; le protocole n’accepte que les caractères attribués dans Unicode 14.0.0, pour que chaque vérificateur rende le même verdict'],
  ['is not in Unicode NFC form; normalise it to NFC before committing', 'n’est pas sous la forme Unicode NFC ; normalisez-le en NFC avant l’engagement'],

  // ---- Labels: the fields and documents that `{field}: …` messages name ----
  ['title', 'titre'],
  ['text', 'texte'],
  ['ticket', 'ticket'],
  ['value', 'valeur'],
  ['household', 'foyer'],
  ['link', 'lien'],
  ['feature name', 'nom de caractéristique'],
  ['feature "{feature}": value', 'caractéristique « {feature} » : valeur'],
  ['stratified feature', 'caractéristique de stratification'],
  ['maxent counted feature', 'caractéristique comptée (entropie maximale)'],
  ['parent: inherited feature', 'étape précédente : caractéristique héritée'],
  ['parent.inherited', 'parent.inherited (les caractéristiques héritées)'],
  ['parent.inherited (the previous stage)', 'parent.inherited (l’étape précédente)'],
  ['the method', 'la méthode'],
  ['features', 'caractéristiques'],
  ['values of feature "{feature}"', 'valeurs de la caractéristique « {feature} »'],
  ['label', 'étiquette'],
  ['lottery', 'loterie'],
  ['date', 'date'],
  ['draw_at', 'draw_at (heure du tirage)'],
  ['witnesses', 'témoins'],
  ['format: main group name', 'format : nom du groupe principal'],
  ['format: bonus group {g} name', 'format : nom du groupe complémentaire {g}'],
  ['reveal source {i}: lottery', 'source {i} du hasard révélé : loterie'],
  ['bundle', 'dossier'],
  ['receipt', 'reçu'],
  ['receipts', 'reçus'],
  ['manifest', 'manifeste'],
  ['pool', 'vivier'],
  ['openings', 'ouvertures'],
  ['published facts', 'éléments publiés'],
  ['replacement records', 'actes de remplacement'],
  ['the previous stage\'s published facts', 'éléments publiés de l’étape précédente'],
  ['the previous stage\'s replacement records', 'actes de remplacement de l’étape précédente'],
  ['sources', 'sources'],
  ['record', 'fiche'],
  ['records', 'fiches'],
  ['numbers', 'numéros'],
  ['dropped', 'désistés'],
  ['proof', 'preuve'],
  ['output', 'sortie'],
  ['kind', 'type de texte (kind)'],
  ['chain', 'chaîne (chain)'],
  ['after', 'heure (after)'],
  ['key', 'clé'],
  ['seed', 'graine'],
  ['leaf', 'feuille'],
  ['root', 'racine'],
  ['hash', 'empreinte'],
  ['commitment', 'engagement'],
  ['randomness', 'hasard (randomness)'],
  ['signature', 'signature'],
  ['previous_signature', 'signature précédente (previous_signature)'],
  ['hex value', 'valeur hexadécimale'],
  ['ticket key', 'clé des tickets'],
  ['values', 'valeurs'],
  ['byte string', 'chaîne d’octets'],
  ['list', 'liste'],
  ['invitees', 'personnes invitées'],
  ['inherited', 'caractéristiques héritées'],
  ['portfolio', 'portefeuille'],
  ['replacements', 'remplacements'],
  ['bonus groups', 'groupes complémentaires'],
  ['lottery bonus groups', 'groupes complémentaires de la loterie'],
  ['recipe sources', 'sources de la recette'],
  ['reveal sources', 'sources du hasard révélé'],

  // ---- serde_json: why a JSON text could not be read (inside `bundle: …`, `receipt: …`) ----
  ['{msg} at line {line} column {column}', '{msg} (ligne {line}, colonne {column})'],
  ['EOF while parsing a value', 'fin du texte en pleine lecture d’une valeur'],
  ['EOF while parsing a list', 'fin du texte en pleine lecture d’une liste'],
  ['EOF while parsing an object', 'fin du texte en pleine lecture d’un objet'],
  ['EOF while parsing a string', 'fin du texte en pleine lecture d’une chaîne'],
  ['expected value', 'valeur attendue'],
  ['expected ident', 'mot-clé attendu (true, false ou null)'],
  ['expected `:`', '`:` attendu'],
  ['expected `,` or `]`', '`,` ou `]` attendu'],
  ['expected `,` or `}`', '`,` ou `}` attendu'],
  ['expected `"`', '`"` attendu'],
  ['invalid escape', 'séquence d’échappement invalide'],
  ['invalid number', 'nombre invalide'],
  ['number out of range', 'nombre hors limites'],
  ['invalid unicode code point', 'point de code Unicode invalide'],
  ['control character (\\u0000-\\u001F) found while parsing a string', 'caractère de contrôle (\\u0000-\\u001F) dans une chaîne'],
  ['key must be a string', 'une clé doit être une chaîne'],
  ['invalid value: expected key to be a number in quotes', 'valeur invalide : la clé doit être un nombre entre guillemets'],
  ['float key must be finite (got NaN or +/-inf)', 'une clé décimale doit être finie (NaN ou +/-inf trouvé)'],
  ['lone leading surrogate in hex escape', 'demi-codet de tête isolé dans une séquence d’échappement'],
  ['trailing comma', 'virgule en trop à la fin'],
  ['trailing characters', 'caractères en trop après la fin'],
  ['unexpected end of hex escape', 'fin inattendue d’une séquence d’échappement hexadécimale'],
  ['recursion limit exceeded', 'profondeur d’imbrication maximale dépassée'],
  ['missing field `{name}`', 'champ `{name}` manquant'],
  ['duplicate field `{name}`', 'champ `{name}` en double'],
  ['unknown field `{name}`, expected one of {list}', 'champ `{name}` inconnu ; champs attendus : {list}'],
  ['unknown field `{name}`, expected {list}', 'champ `{name}` inconnu ; champ attendu : {list}'],
  ['unknown field `{name}`, there are no fields', 'champ `{name}` inconnu ; aucun champ n’est attendu'],
  ['unknown variant `{name}`, expected one of {list}', 'variante `{name}` inconnue ; variantes attendues : {list}'],
  ['unknown variant `{name}`, expected {list}', 'variante `{name}` inconnue ; variante attendue : {list}'],
  ['unknown variant `{name}`, there are no variants', 'variante `{name}` inconnue ; aucune variante n’est attendue'],
  ['invalid type: {json_got}, expected {json_expected}', 'type invalide : {json_got}, alors qu’il faut {json_expected}'],
  ['invalid value: {json_got}, expected {json_expected}', 'valeur invalide : {json_got}, alors qu’il faut {json_expected}'],
  ['invalid length {n}, expected {json_expected}', 'longueur invalide, {n}, alors qu’il faut {json_expected}'],

  // ---- bindings/wasm/src/api.rs: what the page's module adds ----
  ['the commitment "{text}" is not 64 hexadecimal digits', 'l’engagement « {text} » ne compte pas 64 chiffres hexadécimaux'],
  ['the {method} method has no committed portfolio: probabilities are shown for the lottery method only',
    'la méthode {method} n’a pas de portefeuille engagé : les probabilités ne sont montrées que pour la méthode loterie'],
  ['more than 2^32 panels', 'plus de 2^32 panels'],
  ['more than 2^32 records', 'plus de 2^32 fiches'],
  ['n = "{number_text}": give a decimal integer from 1 to 2^64 - 1', 'n = « {number_text} » : donnez un entier décimal de 1 à 2^64 - 1'],
  ['k = {k} is larger than n = {n}', 'k = {k} est plus grand que n = {n}'],
];

/** Placeholders that hold a whole number (a count, an index, a round): they match digits only,
 * which keeps a template from matching a text it does not give. */
const NUMERIC = new Set([
  'alone', 'alternates', 'asked', 'available', 'bonus', 'column', 'committed', 'committed_round', 'computed', 'count',
  'default', 'expected', 'faces', 'floor', 'found', 'g', 'given', 'gmax', 'gmin', 'got', 'i', 'invited', 'k', 'line',
  'm', 'main', 'max', 'min', 'n', 'number', 'p', 'people', 'pos', 'published', 'q', 'recipe', 'records', 'reveal',
  'r', 'round', 'selected', 'size', 'smallest', 'sum', 'types', 'v', 'values',
]);
// Not numeric in the few templates where these names hold text.
const TEXT_IN = {
  found: ['unsupported protocol version "{found}"', 'announced_at "{found}"', 'draw_at "{found}"'],
};

/** Placeholders whose value is itself a text of the core: translated in turn. */
const NESTED = new Set(['detail', 'why', 'reason', 'note', 'source', 'quota', 'field', 'msg', 'rule']);

/** Placeholders holding a UTC time: shown through `opts.paris`. */
const TIMES = new Set(['time', 'announced']);

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const METHODS = {
  uniform: 'uniforme', stratified: 'stratifiée', greedy: 'gloutonne', lottery: 'loterie', rfc3797: 'RFC 3797', maxent: 'à entropie maximale',
};
const STEPS = {
  format: 'format', manifest: 'manifeste', pool: 'vivier', parent: 'étape précédente', links: 'liens',
  portfolio: 'portefeuille', randomness: 'hasard', time_order: 'ordre dans le temps', seed: 'graine', draw: 'tirage',
  openings: 'ouvertures', quotas: 'quotas', transcript: 'empreinte du résultat', replacements: 'remplacements',
  inherited: 'valeurs héritées',
};
const KINDS = { hex: 'hexadécimale', lottery: 'de loterie', drand: 'drand', dice: 'de dés' };
const WEEKDAYS = {
  Monday: 'lundi', Tuesday: 'mardi', Wednesday: 'mercredi', Thursday: 'jeudi', Friday: 'vendredi', Saturday: 'samedi',
  Sunday: 'dimanche',
};
/** The registry's lottery names, as i18n.js gives them. */
const LOTTERY_NAMES = {
  'Lotto 6aus49 (Germany)': 'Lotto 6aus49 (Allemagne)',
  'SuperEnalotto (Italy)': 'SuperEnalotto (Italie)',
  'Lotto (UK National Lottery)': 'Lotto (loterie nationale britannique)',
};
/** The registry's number groups, as i18n.js names them (`group:…`). */
const GROUPS = { numbers: 'numéros', stars: 'étoiles', 'bonus ball': 'numéro complémentaire' };
const DRAND_FIELDS = {
  signature: 'la signature',
  previous_signature: 'la signature précédente (previous_signature)',
  randomness: 'le hasard publié (randomness)',
  'chain hash': 'l’empreinte de la chaîne',
  public_key: 'la clé publique (public_key)',
};

/** A value's French from a table, or the value itself (own keys only: a value is data). */
const lookup = (table, v) => (Object.hasOwn(table, v) ? table[v] : undefined);
const word = (table) => (v) => lookup(table, v) ?? v;

/** serde's words for a JSON value found, or for what was expected. */
function jsonThing(v) {
  const exact = {
    null: 'null', sequence: 'une liste', map: 'un objet', 'byte array': 'un tableau d’octets', 'unit value': 'une valeur vide',
    'a string': 'un texte', 'a borrowed string': 'un texte', 'a sequence': 'une liste', 'a map': 'un objet',
    'a boolean': 'un booléen', 'a character': 'un caractère', bool: 'un booléen', char: 'un caractère',
    u8: 'un entier de 0 à 255', u16: 'un entier de 0 à 65 535', u32: 'un entier de 0 à 4 294 967 295',
    u64: 'un entier positif ou nul', usize: 'un entier positif ou nul', i32: 'un entier', i64: 'un entier',
    f64: 'un nombre', 'a tuple of size 2': 'une paire',
  };
  if (Object.hasOwn(exact, v)) return exact[v];
  const rules = [
    [/^string (".*")$/s, 'le texte $1'],
    [/^integer `(.*)`$/s, 'l’entier `$1`'],
    [/^floating point `(.*)`$/s, 'le nombre décimal `$1`'],
    [/^boolean `(.*)`$/s, 'le booléen `$1`'],
    [/^character `(.*)`$/s, 'le caractère `$1`'],
    [/^struct (\S+) with (\d+) elements?$/, 'un objet $1 de $2 éléments'],
    [/^struct (\S+)$/, 'un objet $1'],
    [/^enum (\S+)$/, 'une des valeurs de $1'],
    [/^(?:a sequence|an array) of (\d+) elements?$/, 'une liste de $1 éléments'],
    [/^tuple of (\d+) elements?$/, 'une liste de $1 éléments'],
    [/^(\d+) elements? in sequence$/, 'une liste de $1 éléments'],
  ];
  for (const [re, to] of rules) if (re.test(v)) return v.replace(re, to);
  return v;
}

/** Placeholders holding English words from a fixed list, put in French (other values kept). */
const WORDS = {
  method: word(METHODS),
  step: word(STEPS),
  kind: word(KINDS),
  got_kind: word(KINDS),
  weekday: word(WEEKDAYS),
  // "Tuesday and Friday", "Monday, Wednesday and Saturday", "no day".
  days: (v) => {
    if (v === 'no day') return 'aucun jour';
    const days = v.split(/, | and /).map((d) => lookup(WEEKDAYS, d));
    if (days.some((d) => !d)) return v;
    const each = days.map((d) => `le ${d}`);
    return each.length === 1 ? each[0] : `${each.slice(0, -1).join(', ')} et ${each.at(-1)}`;
  },
  // A lottery result, "numbers 7 18 28 40 48 · stars 3 9": the registry's group names in French.
  numbers: (v) => v.split(' · ').map((part) => {
    for (const [en, fr] of Object.entries(GROUPS)) {
      if (part.startsWith(`${en} `) && /^[\d ]+$/.test(part.slice(en.length + 1))) return `${fr} ${part.slice(en.length + 1)}`;
    }
    return part;
  }).join(' · '),
  // A lottery's name: the registry's, or `lottery "…"` for a lottery the manifest declares.
  name: (v) => {
    const declared = /^lottery "(.*)"$/s.exec(v);
    if (declared) return `loterie « ${declared[1]} »`;
    return lookup(LOTTERY_NAMES, v) ?? v;
  },
  ours: word({ nothing: '(rien)' }),
  theirs: word({ 'no value': '(aucune valeur)' }),
  replaced: (v) => v.replaceAll('(nobody)', '(personne)'),
  date: word({ '(date not committed)': '(date non engagée)' }),
  drand_field: (v) => lookup(DRAND_FIELDS, v) ?? `le champ ${v}`,
  list: (v) => v.replaceAll('` or `', '` ou `'),
  json_got: jsonThing,
  json_expected: jsonThing,
};

/** A text the core cut for display (`text::display`): its note in French. */
const cutNote = (v) => v.replace(/… \((\d+) more bytes\)$/, '… ($1 octets de plus)');

// ---- Templates compiled once ----

const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/g;
const escape = (s) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A template in parts: the literal texts around its placeholders, and their names. */
function split(template) {
  const literals = [];
  const names = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(at, m.index));
    names.push(m[1]);
    at = m.index + m[0].length;
  }
  literals.push(template.slice(at));
  return { literals, names };
}

function isNumeric(name, en) {
  return NUMERIC.has(name) && !(TEXT_IN[name] ?? []).some((start) => en.includes(start));
}

function compile([en, fr], order) {
  const { literals, names } = split(en);
  const seen = new Set();
  let source = `^${escape(literals[0])}`;
  names.forEach((name, j) => {
    const group = `p_${name}`;
    if (seen.has(name)) source += `\\k<${group}>`;
    else source += `(?<${group}>${isNumeric(name, en) ? '\\d+' : '.+?'})`;
    seen.add(name);
    source += escape(literals[j + 1]);
  });
  return {
    en,
    fr,
    literals,
    names,
    numeric: names.map((name) => isNumeric(name, en)),
    re: new RegExp(`${source}$`, 's'),
    weight: literals.join('').length,
    order,
  };
}

// More specific templates first: the longest literal text, then the catalogue's order.
const COMPILED = CATALOGUE.map(compile).sort((a, b) => b.weight - a.weight || a.order - b.order);

/** Every way `text` fills template `c`, the lazy one first (the RegExp's), then the others:
 * a value from a file may contain the template's own separators (`: `, `, `...). */
function* fillings(c, text) {
  const { literals, names, numeric } = c;
  if (!text.startsWith(literals[0])) return;
  const last = literals[literals.length - 1];
  const values = {};
  function* from(j, at) {
    if (j === names.length) {
      if (at === text.length) yield { ...values };
      return;
    }
    const name = names[j];
    const next = literals[j + 1];
    const end = j === names.length - 1 ? [text.length - last.length] : null;
    const ok = (v) => v.length > 0 && (!numeric[j] || /^\d+$/.test(v)) && (!(name in values) || values[name] === v);
    const candidates = end ?? (function* positions() {
      for (let k = text.indexOf(next, at + 1); k >= 0; k = text.indexOf(next, k + 1)) yield k;
    })();
    for (const k of candidates) {
      if (k <= at || text.slice(k, k + next.length) !== next) continue;
      const v = text.slice(at, k);
      if (!ok(v)) continue;
      const had = name in values;
      values[name] = v;
      yield* from(j + 1, k + next.length);
      if (!had) delete values[name];
    }
  }
  yield* from(0, literals[0].length);
}

const MAX_DEPTH = 8;
const MAX_TRIES = 2000;

/** Whether parse `a` is better than parse `b`: complete first, then the one whose templates
 * explain more of the text (a value from a file can hold words of a template, e.g. a `{date}`
 * that swallowed "randomness recipe: recipe source 1: 2026-12-05"). */
const better = (a, b) => !b || (a.complete && !b.complete) || (a.complete === b.complete && a.covered > b.covered);

/** The French of `text`: `{text, complete, covered}` (complete when every nested text was
 * translated too; covered: how many characters the templates account for), or null when no
 * template gives it. */
function french(text, ctx, depth) {
  if (ctx.memo.has(text)) return ctx.memo.get(text);
  if (depth > MAX_DEPTH) return null;
  let best = null;
  search: for (const c of COMPILED) {
    if (!c.re.test(text)) continue;
    for (const values of fillings(c, text)) {
      if (++ctx.tries > MAX_TRIES) break search;
      const out = render(c, values, ctx, depth);
      if (better(out, best)) best = out;
    }
  }
  ctx.memo.set(text, best);
  return best;
}

function render(c, values, ctx, depth) {
  let complete = true;
  let covered = c.weight;
  const shown = {};
  for (const [name, value] of Object.entries(values)) {
    if (Object.hasOwn(WORDS, name)) {
      shown[name] = WORDS[name](value);
    } else if (NESTED.has(name)) {
      const inner = french(value, ctx, depth + 1);
      shown[name] = inner?.text ?? value;
      complete &&= Boolean(inner?.complete);
      covered += inner?.covered ?? 0;
    } else if (TIMES.has(name) && UTC.test(value)) {
      shown[name] = ctx.paris(value);
    } else {
      shown[name] = cutNote(value);
    }
  }
  return { text: c.fr.replace(PLACEHOLDER, (m, name) => (name in shown ? shown[name] : m)), complete, covered };
}

/**
 * A text of the core in the page's language.
 *
 * `lang` 'en': the text as it is. 'fr': the French, its placeholders filled. Returns `{text,
 * translated, complete}`: `translated` is false when no template gives the text (the English is
 * then returned as it is); `complete` is true when the text and every text nested in it (a
 * reason, a detail...) are in French.
 *
 * `opts.paris(utc)` shows a UTC time (`YYYY-MM-DDTHH:MM:SSZ`) in the page's words, e.g. with the
 * time in Paris beside it; by default the UTC time is left as it is.
 */
function translate(text, lang, opts = {}) {
  if (typeof text !== 'string' || text === '' || lang === 'en') return { text: text ?? '', translated: true, complete: true };
  if (lang !== 'fr') return { text, translated: false, complete: false };
  const paris = typeof opts.paris === 'function' ? opts.paris : (utc) => utc;
  const out = french(text, { paris, memo: new Map(), tries: 0 }, 0);
  return out ? { text: out.text, translated: true, complete: out.complete } : { text, translated: false, complete: false };
}

globalThis.KleroterionCoreText = Object.freeze({ translate, CATALOGUE });
})();
