/** Words the generator builds names and texts from: plausible, not meaningful. */
export const companyWords = [
  'Boulangerie', 'Atelier', 'Maison', 'Groupe', 'Transports', 'Imprimerie', 'Pharmacie', 'Garage', 'Cabinet', 'Studio',
  'Fromagerie', 'Menuiserie', 'Ferronnerie', 'Brasserie', 'Laboratoire', 'Agence', 'Comptoir', 'Domaine', 'Bureau', 'Officina',
  'Trattoria', 'Vetreria', 'Tessitura', 'Cantina', 'Logistica', 'Consulting', 'Systems', 'Solutions', 'Industrie', 'Services',
];
export const familyNames = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
  'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Rossi', 'Russo', 'Ferrari', 'Esposito',
  'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa',
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet',
];
export const givenNames = [
  'Anne', 'Jean', 'Marie', 'Pierre', 'Sophie', 'Luc', 'Claire', 'Julien', 'Camille', 'Nicolas', 'Chloé', 'Thomas', 'Léa',
  'Hugo', 'Manon', 'Louis', 'Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Matteo', 'Sara', 'Andrea', 'Elena', 'Davide',
  'Lotte', 'Pieter', 'Elise', 'Bram', 'Noémie', 'Arthur', 'Inès', 'Raphaël', 'Zoé', 'Gabriel',
];
export const jobTitles = [
  'Gérant', 'Directrice commerciale', 'Responsable achats', 'Comptable', 'Assistante de direction', 'Chef de projet',
  'Responsabile acquisti', 'Amministratore', 'Office manager', 'Directeur technique', 'Acheteuse', 'Responsable logistique',
];
export const cities: readonly (readonly [string, string, string])[] = [
  ['Paris', '75011', 'FR'], ['Lyon', '69002', 'FR'], ['Lille', '59000', 'FR'], ['Nantes', '44000', 'FR'], ['Bordeaux', '33000', 'FR'],
  ['Toulouse', '31000', 'FR'], ['Strasbourg', '67000', 'FR'], ['Milano', '20121', 'IT'], ['Torino', '10121', 'IT'],
  ['Bologna', '40121', 'IT'], ['Bruxelles', '1000', 'BE'], ['Liège', '4000', 'BE'], ['Genève', '1201', 'CH'], ['Luxembourg', '1111', 'LU'],
];
export const streetWords = ['rue de la Paix', 'avenue Jean Jaurès', 'boulevard Voltaire', 'via Roma', 'rue du Commerce', 'quai des Chartrons', 'chaussée de Wavre'];
export const territories = ['Nord', 'Sud-Ouest', 'Île-de-France', 'Rhône-Alpes', 'Grand Est', 'Lombardia', 'Piemonte', 'Wallonie', 'Bruxelles'];
export const leadSources = ['salon', 'website', 'referral', 'cold call', 'newsletter', 'partner'];
export const paymentTerms = ['30 days', '45 days end of month', '60 days', 'on receipt', '30 giorni fine mese'];
export const categories = ['Retail', 'Food', 'Industry', 'Health', 'Transport', 'Public sector', 'Services', 'Construction'];
export const tags = ['vip', 'bio', 'export', 'artisan', 'key account', 'slow payer', 'newsletter', 'partner', 'franchise'];
export const languages = ['fr', 'it', 'en', 'de', 'fr-BE', 'nl-BE'];
export const textWords = [
  'devis', 'commande', 'livraison', 'facture', 'relance', 'rendez-vous', 'échantillon', 'tarif', 'remise', 'contrat', 'délai',
  'stock', 'offerta', 'consegna', 'pagamento', 'ordine', 'customer', 'asked', 'about', 'the', 'new', 'price', 'list', 'and',
  'wants', 'a', 'meeting', 'next', 'week', 'to', 'discuss', 'volumes', 'for', 'spring', 'call', 'back', 'after', 'holidays',
  'sent', 'catalogue', 'by', 'mail', 'follow', 'up', 'on', 'quote', 'signed', 'pending', 'approval', 'from', 'board',
];
